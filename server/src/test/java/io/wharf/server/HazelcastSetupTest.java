package io.wharf.server;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wharf.config.WharfConfig;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HazelcastSetupTest {

  /** Three members on one host, this one on 127.0.0.2; the rest as shipped. */
  private static ClusterOptions cluster(JsonObject changes) {
    JsonObject config = WharfConfig.defaults();
    config.getJsonObject("cluster").put("name", "wharf").put("port", 5701).put("advertise-address", "127.0.0.2")
      .put("members", new JsonArray().add("127.0.0.1:5701").add("127.0.0.2:5701").add("127.0.0.3:5701"))
      .mergeIn(changes);
    return ClusterOptions.fromJson(config);
  }

  private static ClusterOptions cluster() {
    return cluster(new JsonObject());
  }

  @Test
  void joinsOnlyTheListedMembers() {
    JoinConfig join = HazelcastSetup.config(cluster()).getNetworkConfig().getJoin();
    assertFalse(join.getMulticastConfig().isEnabled());
    assertFalse(join.getAutoDetectionConfig().isEnabled());
    assertTrue(join.getTcpIpConfig().isEnabled());
    assertEquals(List.of("127.0.0.1:5701", "127.0.0.2:5701", "127.0.0.3:5701"), join.getTcpIpConfig().getMembers());
  }

  @Test
  void staysAloneWithoutMembers() {
    JoinConfig join = HazelcastSetup.config(cluster(new JsonObject().put("members", new JsonArray()))).getNetworkConfig().getJoin();
    assertFalse(join.getTcpIpConfig().isEnabled());
    assertFalse(join.getMulticastConfig().isEnabled());
  }

  @Test
  void listensOnTheAdvertiseAddressAlone() {
    Config config = HazelcastSetup.config(cluster());
    // Instances on 127.0.0.1, 127.0.0.2 and 127.0.0.3 of one host each take port 5701.
    assertEquals("127.0.0.2", config.getProperty("hazelcast.local.localAddress"));
    assertEquals("false", config.getProperty("hazelcast.socket.bind.any"));
    assertFalse(config.getNetworkConfig().getInterfaces().isEnabled(), "127.0.0.2 is on no interface's address list");
    assertEquals("127.0.0.2:5701", config.getNetworkConfig().getPublicAddress());
    assertFalse(config.getNetworkConfig().isPortAutoIncrement());
  }

  @Test
  void secretSeparatesClustersWithoutAppearingInTheName() {
    String open = HazelcastSetup.config(cluster()).getClusterName();
    String secret = HazelcastSetup.config(cluster(new JsonObject().put("secret", "s3cret-value"))).getClusterName();
    String other = HazelcastSetup.config(cluster(new JsonObject().put("secret", "another-value"))).getClusterName();
    assertEquals("wharf", open);
    assertNotEquals(secret, other);
    assertTrue(secret.startsWith("wharf-"));
    assertFalse(secret.contains("s3cret-value"));
  }

  @Test
  void aMemberIsDeclaredGoneAfterTheConfiguredSeconds() {
    assertEquals("7", HazelcastSetup.config(cluster(new JsonObject().put("failure-detection-seconds", 7)))
      .getProperty("hazelcast.max.no.heartbeat.seconds"));
  }

  @Test
  void routeChangesReachNearCachesAtOnce() {
    assertEquals("false", HazelcastSetup.config(cluster()).getProperty("hazelcast.map.invalidation.batch.enabled"));
  }
}
