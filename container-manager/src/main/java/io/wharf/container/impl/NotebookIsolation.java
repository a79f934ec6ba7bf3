package io.wharf.container.impl;

import com.github.dockerjava.api.model.Network;
import io.wharf.container.ContainerAddresses.FailureCodes;
import io.wharf.container.ContainerManagerOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Keeps notebooks isolated: the {@link NotebookNetwork} exists as it should, and its
 * {@link IptablesRules} are in place. Checked at start, before a launch when the last check
 * failed, and every {@code firewall-check-seconds}, so rules that a firewall reload removed come
 * back. No notebook starts while this fails. Blocking: callers run it on worker threads.
 */
final class NotebookIsolation {

  private static final Logger LOG = LoggerFactory.getLogger(NotebookIsolation.class);

  private final ContainerManagerOptions options;
  private final DockerContainers docker;
  private final Iptables firewall;
  // The network's id after a successful check; null before one or after a failed one.
  private volatile String ready;
  private boolean installed;

  /** @param firewall null when the operator's own firewall keeps notebooks away from the host */
  NotebookIsolation(ContainerManagerOptions options, DockerContainers docker, Iptables firewall) {
    this.options = options;
    this.docker = docker;
    this.firewall = firewall;
  }

  /** Creates the network if absent, checks it, and installs or restores its rules. */
  synchronized NotebookNetwork.Bridge ensure() {
    try {
      List<Network> found = docker.networks(options.network());
      if (found.isEmpty()) {
        docker.createNetwork(options.network(), NotebookNetwork.labels(), NotebookNetwork.createOptions());
        LOG.info("created Docker network {} for notebooks", options.network());
        found = docker.networks(options.network());
      }
      if (found.isEmpty()) {
        throw new ContainerFailure(FailureCodes.DOCKER_ERROR, "Docker network " + options.network() + " vanished as it was created");
      }
      // Every instance on this host keeps the oldest, so all of them settle on the same one.
      found.subList(1, found.size()).forEach(this::removeDuplicate);
      NotebookNetwork.Bridge bridge = NotebookNetwork.bridgeOf(found.get(0));
      if (firewall != null) {
        IptablesRules.Repair repair = firewall.apply(bridge.interfaceName());
        if (!repair.staleChains().isEmpty()) {
          LOG.info("removed the iptables chains of bridges that are gone: {}", repair.staleChains());
        }
        String where = " (network " + bridge.networkName() + ", bridge " + bridge.interfaceName() + ", subnet "
          + bridge.subnet() + ", egress " + options.isolation().egress() + ")";
        if (!installed) {
          LOG.info("iptables rules isolate the notebooks{}", where);
        } else if (repair.ownRulesChanged()) {
          LOG.warn("the iptables rules isolating notebooks were missing or changed, and are restored{}", where);
        }
        installed = true;
      }
      ready = bridge.networkId();
      return bridge;
    } catch (RuntimeException e) {
      ready = null;
      throw e;
    }
  }

  /** Before a launch: the id of the network to attach to; nothing to check when the last check succeeded. */
  String awaitReady() {
    String network = ready;
    return network != null ? network : ensure().networkId();
  }

  /** After a failed launch: whether its network is gone, in which case the next launch checks again first. */
  boolean lost(String networkId) {
    try {
      if (docker.networks(options.network()).stream().anyMatch(network -> network.getId().equals(networkId))) {
        return false;
      }
    } catch (ContainerFailure e) {
      return false;
    }
    ready = null;
    return true;
  }

  /** A twin that a concurrent creation left; Docker refuses to remove one that has containers, which then stays. */
  private void removeDuplicate(Network twin) {
    if (!"true".equals(twin.getLabels() == null ? null : twin.getLabels().get(LaunchPlan.LABEL_MANAGED))) {
      return;
    }
    try {
      docker.removeNetwork(twin.getId());
      LOG.info("removed network {}, a duplicate of {}", twin.getId(), options.network());
    } catch (ContainerFailure e) {
      LOG.debug("duplicate network {} stays: {}", twin.getId(), e.getMessage());
    }
  }
}
