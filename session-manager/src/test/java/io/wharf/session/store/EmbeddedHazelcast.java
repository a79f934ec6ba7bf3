package io.wharf.session.store;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;

import java.util.UUID;

/**
 * A single Hazelcast member of its own, joining nobody, with the maps configured as Wharf
 * configures them; in the test jar for other modules' Hazelcast tests too.
 */
public final class EmbeddedHazelcast {

  private EmbeddedHazelcast() {
  }

  public static HazelcastInstance start(String name) {
    Config config = new Config().setClusterName(name + "-" + UUID.randomUUID());
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.local.localAddress", "127.0.0.1");
    JoinConfig join = config.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    HazelcastMaps.configure(config);
    return Hazelcast.newHazelcastInstance(config);
  }
}
