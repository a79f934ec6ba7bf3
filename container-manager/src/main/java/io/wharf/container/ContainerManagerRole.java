package io.wharf.container;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.wharf.container.impl.ContainerManagerOptions;
import io.wharf.container.impl.ContainerManagerVerticle;

/**
 * Boot entry point of the container-manager role: the only way other modules start it, so the
 * implementation package stays private to this module.
 */
public final class ContainerManagerRole {

  private ContainerManagerRole() {
  }

  /** Deploys the container manager without metrics; see {@link #deploy(Vertx, JsonObject, MeterRegistry)}. */
  public static Future<String> deploy(Vertx vertx, JsonObject config) {
    return deploy(vertx, config, null);
  }

  /**
   * Deploys the container manager with the given configuration (keys as in
   * {@link ContainerManagerOptions#fromJson(JsonObject)}).
   *
   * @param registry where the container manager's meters go ({@code wharf_docker_errors_total}); null for nowhere
   * @return the deployment id; a failed future when the configuration is invalid
   */
  public static Future<String> deploy(Vertx vertx, JsonObject config, MeterRegistry registry) {
    ContainerManagerOptions options;
    try {
      options = ContainerManagerOptions.fromJson(config == null ? new JsonObject() : config);
    } catch (RuntimeException e) {
      return Future.failedFuture(new IllegalArgumentException("invalid container-manager configuration: " + e.getMessage(), e));
    }
    return vertx.deployVerticle(new ContainerManagerVerticle(options, registry));
  }
}
