package io.wharf.server;

import io.vertx.core.json.JsonObject;
import io.wharf.container.ContainerManagerOptions;
import io.wharf.container.FunctionContainerOptions;
import io.wharf.functions.FunctionsOptions;
import io.wharf.router.RouterOptions;
import io.wharf.session.SessionManagerOptions;

/**
 * Every setting of one instance, typed and checked, parsed once at boot from the configuration
 * {@code WharfConfig} loads. Each role's options are read whether or not this instance runs
 * it, so a mistake anywhere in the file stops the start on every instance alike.
 */
record WharfOptions(InstanceOptions instance, ClusterOptions cluster, MetricsOptions metrics, LoggingOptions logging,
                    RouterOptions router, SessionManagerOptions sessions, ContainerManagerOptions containers,
                    FunctionsOptions functions, FunctionContainerOptions functionContainers) {

  /**
   * @param config the whole configuration
   * @throws IllegalArgumentException naming the first key whose value is missing or wrong
   */
  static WharfOptions fromJson(JsonObject config) {
    WharfOptions options = new WharfOptions(
      InstanceOptions.fromJson(config),
      ClusterOptions.fromJson(config),
      MetricsOptions.fromJson(config),
      LoggingOptions.fromJson(config),
      RouterOptions.fromJson(config),
      SessionManagerOptions.fromJson(config),
      ContainerManagerOptions.fromJson(config),
      FunctionsOptions.fromJson(config),
      FunctionContainerOptions.fromJson(config));
    // Each instance's embedded file would hold only the writes that instance served, and after
    // a stop of the whole cluster the first to start would bring back its own view: accounts
    // made elsewhere lost, accounts deleted elsewhere back. Refused rather than warned about,
    // because nothing would show the damage until that full restart.
    if (options.cluster().members().size() > 1 && options.sessions().store().embedded()
        && options.instance().runs(InstanceOptions.SESSION_MANAGER)) {
      throw new IllegalArgumentException("store.url must name a PostgreSQL database that every instance shares when"
        + " cluster.members lists several instances: an embedded database per instance would lose or bring back"
        + " accounts and tokens when the whole cluster restarts");
    }
    return options;
  }
}
