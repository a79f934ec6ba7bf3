package io.wharf.container;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.wharf.container.impl.ContainerManagerVerticle;

/**
 * Boot entry point of the container-manager role: the only way other modules start it, so the
 * implementation package stays private to this module.
 */
public final class ContainerManagerRole {

  private ContainerManagerRole() {
  }

  /**
   * Deploys the container manager.
   *
   * @param options  as {@link ContainerManagerOptions#fromJson} read them at boot
   * @param registry where the container manager's meters go ({@code wharf_docker_errors_total}); null for nowhere
   * @return the deployment id
   */
  public static Future<String> deploy(Vertx vertx, ContainerManagerOptions options, MeterRegistry registry) {
    return vertx.deployVerticle(new ContainerManagerVerticle(options, registry));
  }

  /**
   * Deploys the container manager with function containers and snapshots ({@link FunctionContainers}).
   *
   * @param functions how function containers run and where snapshots live
   */
  public static Future<String> deploy(Vertx vertx, ContainerManagerOptions options, FunctionContainerOptions functions,
                                      MeterRegistry registry) {
    return vertx.deployVerticle(new ContainerManagerVerticle(options, functions, registry));
  }
}
