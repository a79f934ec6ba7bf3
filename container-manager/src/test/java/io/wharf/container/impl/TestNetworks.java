package io.wharf.container.impl;

import io.wharf.config.WharfConfig;
import io.wharf.container.IsolationOptions;

/** Removes a notebook network an integration test made, with its iptables rules. */
final class TestNetworks {

  private TestNetworks() {
  }

  /** Call once the container managers using it are undeployed, or their next check makes it again. */
  static void remove(DockerContainers docker, String network) {
    for (var found : docker.networks(network)) {
      Iptables.onHost(IsolationOptions.fromJson(WharfConfig.defaults())).remove(NotebookNetwork.bridgeOf(found).interfaceName());
      docker.removeNetwork(found.getId());
    }
  }
}
