package io.wharf.server.it;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.util.Map;

/**
 * The shared fixture of the integration tests: one Wharf process on the real Docker engine and
 * the real Jupyter image, started once for every test class that asks for it and closed (with
 * all its containers removed) when the run ends.
 */
public final class WharfExtension implements ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(WharfExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == WharfProcess.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent("wharf", key -> {
      try {
        return new Resource(new WharfProcess("shared", Map.of()).start());
      } catch (Exception e) {
        throw new IllegalStateException("could not start the shared Wharf", e);
      }
    }, Resource.class).wharf;
  }

  private record Resource(WharfProcess wharf) implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    @Override
    public void close() throws Exception {
      wharf.close();
    }
  }
}
