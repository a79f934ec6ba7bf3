package io.wharf.server;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.wharf.session.SessionManager;

/**
 * The Hazelcast member configuration, from the {@code cluster} options. Discovery is explicit:
 * multicast and auto-detection are off, and members come only from the TCP-IP list. With no
 * members listed, the member stays alone (embedded, single-member).
 */
final class HazelcastSetup {

  private HazelcastSetup() {
  }

  static String digest(String secret) {
    try {
      byte[] hash = java.security.MessageDigest.getInstance("SHA-256")
        .digest(("wharf-cluster:" + secret).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(hash);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static Config config(ClusterOptions cluster) {
    Config config = new Config();
    // Open-source Hazelcast has no member authentication; members do refuse to join a cluster of
    // another name, so a configured secret becomes part of the name (as a digest, never in clear).
    // The member network still has to be private: Hazelcast's traffic is not encrypted.
    String secret = cluster.secret();
    String name = cluster.name();
    config.setClusterName(secret.isBlank() ? name : name + "-" + digest(secret).substring(0, 32));
    config.setProperty("hazelcast.phone.home.enabled", "false");
    // Through SLF4J to Logback, at logging.level's com.hazelcast (warn by default: no banner).
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    // A member that stops answering is declared gone within seconds, so leadership and
    // partition ownership move on quickly (the default waits a minute).
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    config.setProperty("hazelcast.max.no.heartbeat.seconds", Integer.toString(cluster.failureDetectionSeconds()));

    String advertise = cluster.advertiseAddress();
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(cluster.port()).setPortAutoIncrement(false);
    network.setPublicAddress(advertise + ":" + network.getPort());
    // Listen on the advertise address alone, not on every interface: several instances on one
    // host (127.0.0.1, 127.0.0.2, ...) then share a port. Interface matching cannot express this,
    // since it only accepts addresses assigned to an interface, and 127.0.0.2 is merely routed.
    config.setProperty("hazelcast.local.localAddress", advertise);
    config.setProperty("hazelcast.socket.bind.any", "false");

    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(!cluster.members().isEmpty());
    cluster.members().forEach(join.getTcpIpConfig()::addMember);

    SessionManager.configure(config);
    return config;
  }
}
