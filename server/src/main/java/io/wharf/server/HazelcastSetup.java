package io.wharf.server;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wharf.session.SessionManager;

/**
 * The Hazelcast member configuration, from the {@code cluster} section. Discovery is explicit:
 * multicast and auto-detection are off, and members come only from the TCP-IP list. With no
 * members listed, the member stays alone (embedded, single-member).
 */
final class HazelcastSetup {

  private HazelcastSetup() {
  }

  static Config config(JsonObject cluster) {
    Config config = new Config();
    config.setClusterName(cluster.getString("name", "wharf"));
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.logging.type", "jdk");
    config.setProperty("hazelcast.shutdownhook.enabled", "false");

    String advertise = cluster.getString("advertise-address", "127.0.0.1");
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(cluster.getInteger("port", 5701)).setPortAutoIncrement(false);
    network.setPublicAddress(advertise + ":" + network.getPort());
    network.getInterfaces().setEnabled(true).addInterface(advertise);

    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    JsonArray members = cluster.getJsonArray("members", new JsonArray());
    join.getTcpIpConfig().setEnabled(!members.isEmpty());
    members.forEach(m -> join.getTcpIpConfig().addMember(m.toString()));

    SessionManager.configure(config);
    return config;
  }
}
