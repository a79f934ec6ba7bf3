package io.wharf.container;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wharf.config.ConfigValues;
import io.wharf.config.WharfConfig;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ContainerManagerOptionsTest {

  /** The shipped defaults with some {@code containers} keys replaced. */
  private static JsonObject config(JsonObject containers) {
    JsonObject config = WharfConfig.defaults();
    config.getJsonObject("containers").mergeIn(containers);
    return config;
  }

  private static String failure(JsonObject config) {
    return assertThrows(IllegalArgumentException.class, () -> ContainerManagerOptions.fromJson(config)).getMessage();
  }

  @Test
  void parsesTheShippedDefaults() {
    JsonObject defaults = WharfConfig.defaults();
    JsonObject containers = defaults.getJsonObject("containers");
    ContainerManagerOptions options = ContainerManagerOptions.fromJson(defaults);
    assertEquals(defaults.getJsonObject("instance").getString("id"), options.instanceId());
    assertEquals(defaults.getJsonObject("cluster").getString("advertise-address"), options.advertiseAddress());
    assertEquals(containers.getString("docker-host"), options.dockerHost());
    assertEquals(containers.getString("image"), options.image());
    assertTrue(options.isAllowed(options.image()));
    assertEquals(containers.getJsonArray("command").getList(), options.command());
    assertEquals(containers.getInteger("notebook-port"), options.notebookPort());
    assertEquals(containers.getString("publish-host"), options.publishHost());
    assertEquals(ConfigValues.memory("memory", containers.getValue("memory")), options.defaultProfile().memoryBytes());
    assertEquals(containers.getLong("ready-timeout-seconds") * 1000, options.readyTimeoutMillis());
    assertEquals(containers.getLong("ready-interval-ms"), options.readyIntervalMillis());
    assertEquals(containers.getString("home-volume"), options.homeVolume());
    assertEquals(containers.getString("network"), options.network());
    assertEquals(IsolationOptions.fromJson(defaults), options.isolation());
  }

  @Test
  void aHomeVolumeNamedWithoutTheAccountIdIsRefused() {
    assertTrue(failure(config(new JsonObject().put("home-volume", "wharf-home-{user}")))
      .startsWith("containers.home-volume must contain {account}"));
    assertEquals("", ContainerManagerOptions.fromJson(config(new JsonObject().put("home-volume", ""))).homeVolume());
  }

  @Test
  void everyNotebookNeedsANamedNetwork() {
    for (String bad : List.of("", " ", "wharf notebooks")) {
      assertTrue(failure(config(new JsonObject().put("network", bad))).startsWith("containers.network must match "), bad);
    }
  }

  @Test
  void explicitValues() {
    JsonObject config = config(new JsonObject()
      .put("publish-host", "127.0.0.2")
      .put("cpus", 0.5)
      .put("pids", "256")
      .put("ready-timeout-seconds", 5)
      .put("network", "wharf-net")
      .put("egress", "none")
      .put("max-memory", "8g")
      .put("command", new JsonArray().add("start-notebook.sh").add("--base={base_url}")));
    config.getJsonObject("instance").put("id", "node-2");
    config.getJsonObject("cluster").put("advertise-address", "10.0.0.5");
    ContainerManagerOptions options = ContainerManagerOptions.fromJson(config);
    assertEquals("node-2", options.instanceId());
    assertEquals("127.0.0.2", options.publishHost());
    assertEquals("10.0.0.5", options.advertiseAddress());
    assertEquals(500_000_000L, options.defaultProfile().nanoCpus());
    assertEquals(256, options.defaultProfile().pidsLimit());
    assertEquals(5_000, options.readyTimeoutMillis());
    assertEquals("wharf-net", options.network());
    assertEquals(IsolationOptions.Egress.NONE, options.isolation().egress());
    assertEquals(8L << 30, options.maxMemoryBytes());
    assertEquals(List.of("start-notebook.sh", "--base={base_url}"), options.command());
  }

  @Test
  void maxMemoryZeroMeansNoLimitAsTextOrNumber() {
    assertEquals(0, ContainerManagerOptions.fromJson(config(new JsonObject().put("max-memory", "0"))).maxMemoryBytes());
    assertEquals(0, ContainerManagerOptions.fromJson(config(new JsonObject().put("max-memory", 0))).maxMemoryBytes());
  }

  @Test
  void allowListTreatsAnUntaggedImageAsLatest() {
    ContainerManagerOptions options = ContainerManagerOptions.fromJson(config(new JsonObject()
      .put("image", "wharf/jupyter")
      .put("allowed-images", new JsonArray().add("wharf/jupyter:latest").add("registry:5000/team/nb:2"))));
    assertTrue(options.isAllowed("wharf/jupyter"));
    assertTrue(options.isAllowed("registry:5000/team/nb:2"));
    assertFalse(options.isAllowed("registry:5000/team/nb"));
    assertFalse(options.isAllowed("wharf/jupyter:other"));
  }

  @Test
  void allowListFromAnEnvironmentString() {
    ContainerManagerOptions options = ContainerManagerOptions.fromJson(config(new JsonObject()
      .put("image", "lab/notebook:3")
      .put("allowed-images", "wharf/jupyter:latest, lab/notebook:3")));
    assertTrue(options.isAllowed("lab/notebook:3"));
    assertTrue(options.isAllowed("wharf/jupyter:latest"));
  }

  @Test
  void theImageMustBeAllowed() {
    String message = failure(config(new JsonObject().put("allowed-images", new JsonArray().add("other/image:1"))));
    assertTrue(message.startsWith("containers.image "), message);
  }

  @Test
  void badValuesNameTheirKey() {
    JsonObject badId = WharfConfig.defaults();
    badId.getJsonObject("instance").put("id", "a b");
    assertTrue(failure(badId).startsWith("instance.id must match"), failure(badId));
    assertTrue(failure(config(new JsonObject().put("cpus", 0))).startsWith("containers.cpus must be a number from"));
    assertTrue(failure(config(new JsonObject().put("notebook-port", 70000))).startsWith("containers.notebook-port must be a whole number"));
    assertTrue(failure(config(new JsonObject().put("pids", "many"))).startsWith("containers.pids must be a number, got 'many'"));
    assertEquals("containers.command must not be empty", failure(config(new JsonObject().put("command", new JsonArray()))));
    assertTrue(failure(config(new JsonObject().put("ready-interval-ms", 1.5))).startsWith("containers.ready-interval-ms must be a whole number"));
  }

  @Test
  void aMissingKeyOrAWrongTypeIsNamed() {
    JsonObject missing = WharfConfig.defaults();
    missing.getJsonObject("containers").remove("docker-host");
    assertEquals("containers.docker-host is missing", failure(missing));
    JsonObject noCluster = WharfConfig.defaults();
    noCluster.remove("cluster");
    assertEquals("cluster.advertise-address is missing", failure(noCluster));
    assertEquals("containers.image must be a string (quoted in YAML), not a number", failure(config(new JsonObject().put("image", 3))));
    assertEquals("containers.allowed-images must be a list, not a mapping",
      failure(config(new JsonObject().put("allowed-images", new JsonObject()))));
  }
}
