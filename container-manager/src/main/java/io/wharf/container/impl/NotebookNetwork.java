package io.wharf.container.impl;

import com.github.dockerjava.api.model.Network;
import io.wharf.container.ContainerAddresses.FailureCodes;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The Docker network notebook containers are attached to, and only to: a bridge with
 * inter-container traffic off, so that containers on it cannot reach each other, and without
 * IPv6, so that the firewall rules (IPv4) leave no other path. Ports are still published on the
 * host, so the routers reach each notebook as before.
 */
final class NotebookNetwork {

  static final String ICC = "com.docker.network.bridge.enable_icc";
  /** Set by an operator who creates the network with a bridge name of their own. */
  static final String BRIDGE_NAME = "com.docker.network.bridge.name";
  // Docker reads the option with Go's strconv.ParseBool.
  private static final Set<String> FALSE = Set.of("false", "0", "f", "F", "FALSE", "False");
  // Linux allows 15 characters; the firewall's chain names embed it.
  private static final Pattern INTERFACE = Pattern.compile("[a-zA-Z0-9_.-]{1,15}");

  /** The host side of the network: its bridge interface, which the firewall rules name. */
  record Bridge(String networkId, String networkName, String interfaceName, String subnet, String gateway) {
  }

  private NotebookNetwork() {
  }

  /** Driver options of a network Wharf creates. */
  static Map<String, String> createOptions() {
    return Map.of(ICC, "false");
  }

  static Map<String, String> labels() {
    return Map.of(LaunchPlan.LABEL_MANAGED, "true");
  }

  /**
   * The bridge of a network, once it is checked to be one notebooks may be put on. A network an
   * operator created by hand must keep the same promises as one Wharf creates, or no notebook
   * starts on it.
   */
  static Bridge bridgeOf(Network network) {
    List<String> problems = new ArrayList<>();
    if (!"bridge".equals(network.getDriver())) {
      problems.add("its driver is " + network.getDriver() + ", not bridge");
    }
    Map<String, String> options = network.getOptions() == null ? Map.of() : network.getOptions();
    if (!FALSE.contains(options.getOrDefault(ICC, "true"))) {
      problems.add("containers on it can reach each other (create it with -o " + ICC + "=false)");
    }
    if (Boolean.TRUE.equals(network.getInternal())) {
      problems.add("it is internal, and Docker publishes no ports of containers on an internal network");
    }
    if (Boolean.TRUE.equals(network.getEnableIPv6())) {
      problems.add("it has IPv6, which Wharf's firewall rules do not cover");
    }
    var config = network.getIpam() == null || network.getIpam().getConfig() == null ? null
      : network.getIpam().getConfig().stream().filter(c -> c.getSubnet() != null && !c.getSubnet().contains(":"))
        .findFirst().orElse(null);
    if (config == null) {
      problems.add("it has no IPv4 subnet");
    }
    String bridge = options.getOrDefault(BRIDGE_NAME, "br-" + network.getId().substring(0, 12));
    if (!INTERFACE.matcher(bridge).matches()) {
      problems.add("its bridge name " + bridge + " does not match " + INTERFACE.pattern());
    }
    if (!problems.isEmpty()) {
      throw new ContainerFailure(FailureCodes.DOCKER_ERROR, "Docker network " + network.getName()
        + " cannot hold notebooks: " + String.join("; ", problems));
    }
    return new Bridge(network.getId(), network.getName(), bridge, config.getSubnet(), config.getGateway());
  }
}
