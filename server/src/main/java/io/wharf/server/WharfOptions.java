package io.wharf.server;

import io.vertx.core.json.JsonObject;
import io.wharf.container.ContainerManagerOptions;
import io.wharf.router.RouterOptions;
import io.wharf.session.SessionManagerOptions;

/**
 * Every setting of one instance, typed and checked, parsed once at boot from the configuration
 * {@code WharfConfig} loads. Each role's options are read whether or not this instance runs
 * it, so a mistake anywhere in the file stops the start on every instance alike.
 */
record WharfOptions(InstanceOptions instance, ClusterOptions cluster, MetricsOptions metrics, LoggingOptions logging,
                    RouterOptions router, SessionManagerOptions sessions, ContainerManagerOptions containers) {

  /**
   * @param config the whole configuration
   * @throws IllegalArgumentException naming the first key whose value is missing or wrong
   */
  static WharfOptions fromJson(JsonObject config) {
    return new WharfOptions(
      InstanceOptions.fromJson(config),
      ClusterOptions.fromJson(config),
      MetricsOptions.fromJson(config),
      LoggingOptions.fromJson(config),
      RouterOptions.fromJson(config),
      SessionManagerOptions.fromJson(config),
      ContainerManagerOptions.fromJson(config));
  }
}
