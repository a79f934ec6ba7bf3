package io.wharf.container.impl;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wharf.container.IsolationOptions;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ContainerManagerOptionsTest {

  @Test
  void defaults() {
    ContainerManagerOptions options = ContainerManagerOptions.fromJson(new JsonObject());
    assertEquals("local", options.instanceId());
    assertEquals("unix:///var/run/docker.sock", options.dockerHost());
    assertEquals("wharf/jupyter:latest", options.image());
    assertTrue(options.isAllowed("wharf/jupyter:latest"));
    assertEquals(ContainerManagerOptions.DEFAULT_COMMAND, options.command());
    assertEquals(8888, options.notebookPort());
    assertEquals("127.0.0.1", options.publishHost());
    assertEquals("127.0.0.1", options.advertiseAddress());
    assertEquals(1L << 30, options.defaultProfile().memoryBytes());
    assertEquals(1_000_000_000L, options.defaultProfile().nanoCpus());
    assertEquals(512, options.defaultProfile().pidsLimit());
    assertEquals("{base_url}api/status", options.readyPath());
    assertEquals(60_000, options.readyTimeoutMillis());
    assertEquals(200, options.readyIntervalMillis());
    assertEquals("wharf-notebooks", options.network());
    assertEquals(IsolationOptions.Egress.INTERNET, options.isolation().egress());
  }

  @Test
  void everyNotebookNeedsANamedNetwork() {
    for (String bad : new String[] {"", " ", "wharf notebooks"}) {
      assertThrows(IllegalArgumentException.class, () -> ContainerManagerOptions.fromJson(new JsonObject().put("network", bad)), bad);
    }
  }

  @Test
  void explicitValues() {
    ContainerManagerOptions options = ContainerManagerOptions.fromJson(new JsonObject()
      .put("instance-id", "node-2")
      .put("publish-host", "127.0.0.2")
      .put("advertise-address", "10.0.0.5")
      .put("cpus", 0.5)
      .put("pids", "256")
      .put("ready-timeout-seconds", 5)
      .put("network", "wharf-net")
      .put("command", new JsonArray().add("start-notebook.sh").add("--base={base_url}")));
    assertEquals("node-2", options.instanceId());
    assertEquals("127.0.0.2", options.publishHost());
    assertEquals("10.0.0.5", options.advertiseAddress());
    assertEquals(500_000_000L, options.defaultProfile().nanoCpus());
    assertEquals(256, options.defaultProfile().pidsLimit());
    assertEquals(5_000, options.readyTimeoutMillis());
    assertEquals("wharf-net", options.network());
    assertEquals(List.of("start-notebook.sh", "--base={base_url}"), options.command());
  }

  @Test
  void memorySuffixes() {
    assertEquals(1024, io.wharf.container.ConfigValues.parseMemory("1k"));
    assertEquals(512L << 20, io.wharf.container.ConfigValues.parseMemory("512m"));
    assertEquals(512L << 20, io.wharf.container.ConfigValues.parseMemory("512M"));
    assertEquals(2L << 30, io.wharf.container.ConfigValues.parseMemory("2g"));
    assertEquals(3L << 29, io.wharf.container.ConfigValues.parseMemory("1.5g"));
    assertEquals(1L << 30, io.wharf.container.ConfigValues.parseMemory("1gb"));
    assertEquals(1_000_000, io.wharf.container.ConfigValues.parseMemory("1000000"));
    assertEquals(4096, io.wharf.container.ConfigValues.parseMemory(4096));
    assertThrows(IllegalArgumentException.class, () -> io.wharf.container.ConfigValues.parseMemory("1t"));
    assertThrows(IllegalArgumentException.class, () -> io.wharf.container.ConfigValues.parseMemory("lots"));
    assertThrows(IllegalArgumentException.class, () -> io.wharf.container.ConfigValues.parseMemory("0"));
  }

  @Test
  void allowListDefaultsToTheImage() {
    ContainerManagerOptions options = ContainerManagerOptions.fromJson(new JsonObject().put("image", "lab/notebook:3"));
    assertTrue(options.isAllowed("lab/notebook:3"));
    assertFalse(options.isAllowed("wharf/jupyter:latest"));
  }

  @Test
  void allowListTreatsAnUntaggedImageAsLatest() {
    ContainerManagerOptions options = ContainerManagerOptions.fromJson(new JsonObject()
      .put("image", "wharf/jupyter")
      .put("allowed-images", new JsonArray().add("wharf/jupyter:latest").add("registry:5000/team/nb:2")));
    assertTrue(options.isAllowed("wharf/jupyter"));
    assertTrue(options.isAllowed("registry:5000/team/nb:2"));
    assertFalse(options.isAllowed("registry:5000/team/nb"));
    assertFalse(options.isAllowed("wharf/jupyter:other"));
  }

  @Test
  void allowListFromAnEnvironmentString() {
    ContainerManagerOptions options = ContainerManagerOptions.fromJson(new JsonObject()
      .put("allowed-images", "wharf/jupyter:latest, lab/notebook:3"));
    assertTrue(options.isAllowed("lab/notebook:3"));
  }

  @Test
  void defaultImageMustBeAllowed() {
    assertThrows(IllegalArgumentException.class, () -> ContainerManagerOptions.fromJson(new JsonObject()
      .put("allowed-images", new JsonArray().add("other/image:1"))));
  }

  @Test
  void rejectsBadValues() {
    assertThrows(IllegalArgumentException.class, () -> ContainerManagerOptions.fromJson(new JsonObject().put("instance-id", "a b")));
    assertThrows(IllegalArgumentException.class, () -> ContainerManagerOptions.fromJson(new JsonObject().put("cpus", 0)));
    assertThrows(IllegalArgumentException.class, () -> ContainerManagerOptions.fromJson(new JsonObject().put("notebook-port", 70000)));
    assertThrows(IllegalArgumentException.class, () -> ContainerManagerOptions.fromJson(new JsonObject().put("pids", "many")));
    assertThrows(IllegalArgumentException.class, () -> ContainerManagerOptions.fromJson(new JsonObject().put("command", new JsonArray())));
  }
}
