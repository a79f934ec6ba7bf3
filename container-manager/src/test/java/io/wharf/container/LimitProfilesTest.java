package io.wharf.container;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wharf.config.ConfigValues;
import io.wharf.config.WharfConfig;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LimitProfilesTest {

  private static final JsonObject CONTAINERS = config(new JsonObject()
    .put("memory", "2g").put("cpus", 1.5).put("pids", 300)
    .put("profiles", new JsonObject()
      .put("small", new JsonObject().put("memory", "512m").put("cpus", "0.5").put("description", "For reading"))
      .put("large", new JsonObject().put("memory", "8g").put("cpus", 4).put("pids", 2048)
        .put("users", new JsonArray().add("alice").add("bob")))));

  /** The shipped defaults with some {@code containers} keys replaced. */
  private static JsonObject config(JsonObject containers) {
    JsonObject config = WharfConfig.defaults();
    config.getJsonObject("containers").mergeIn(containers);
    return config;
  }

  private static JsonObject profiles(JsonObject profiles) {
    return config(new JsonObject().put("profiles", profiles));
  }

  private static String failure(JsonObject config) {
    return assertThrows(IllegalArgumentException.class, () -> LimitProfiles.fromJson(config)).getMessage();
  }

  @Test
  void theDefaultProfileIsTheTopLevelLimits() {
    LimitProfile fallback = LimitProfiles.fromJson(CONTAINERS).defaultProfile();
    assertEquals("default", fallback.name());
    assertEquals(2L << 30, fallback.memoryBytes());
    assertEquals(1_500_000_000L, fallback.nanoCpus());
    assertEquals(300, fallback.pidsLimit());
    assertEquals("2 GiB memory, 1.5 CPUs, 300 processes", fallback.description());
    assertTrue(fallback.allows("anyone", false));
  }

  @Test
  void aNamedProfileTakesWhatItLeavesOutFromTheDefault() {
    LimitProfile small = LimitProfiles.fromJson(CONTAINERS).get("small").orElseThrow();
    assertEquals(512L << 20, small.memoryBytes());
    assertEquals(500_000_000L, small.nanoCpus());
    assertEquals(300, small.pidsLimit());
    assertEquals("For reading", small.description());
    assertEquals("8 GiB memory, 4 CPUs, 2048 processes", LimitProfiles.fromJson(CONTAINERS).get("large").orElseThrow().description());
  }

  @Test
  void emptyOrDefaultNamesTheDefaultAndUnknownNamesNothing() {
    LimitProfiles profiles = LimitProfiles.fromJson(CONTAINERS);
    assertTrue(profiles.get("").orElseThrow().isDefault());
    assertTrue(profiles.get(null).orElseThrow().isDefault());
    assertTrue(profiles.get("default").orElseThrow().isDefault());
    assertTrue(profiles.get("huge").isEmpty());
    assertEquals(List.of("default", "small", "large"), profiles.all().stream().map(LimitProfile::name).toList());
  }

  @Test
  void aProfileWithUsersIsTheirsAndAdmins() {
    LimitProfiles profiles = LimitProfiles.fromJson(CONTAINERS);
    LimitProfile large = profiles.get("large").orElseThrow();
    assertEquals(Set.of("alice", "bob"), large.users());
    assertTrue(large.allows("alice", false));
    assertFalse(large.allows("carol", false));
    assertTrue(large.allows("carol", true));
    assertEquals(List.of("default", "small"), profiles.availableTo("carol", false).stream().map(LimitProfile::name).toList());
    assertEquals(3, profiles.availableTo("alice", false).size());
  }

  @Test
  void theShippedDefaultsHaveOnlyTheDefaultProfile() {
    JsonObject defaults = WharfConfig.defaults();
    LimitProfiles profiles = LimitProfiles.fromJson(defaults);
    assertEquals(1, profiles.all().size());
    JsonObject containers = defaults.getJsonObject("containers");
    assertEquals(ConfigValues.memory("memory", containers.getValue("memory")), profiles.defaultProfile().memoryBytes());
    assertEquals(Math.round(containers.getDouble("cpus") * 1e9), profiles.defaultProfile().nanoCpus());
    assertEquals(containers.getLong("pids"), profiles.defaultProfile().pidsLimit());
  }

  @Test
  void badProfilesFailAtStartUpAndNameTheKey() {
    assertTrue(failure(profiles(new JsonObject().put("default", new JsonObject().put("memory", "2g"))))
      .startsWith("containers.profiles.default: a profile's name must match"));
    assertTrue(failure(profiles(new JsonObject().put("Big One", new JsonObject())))
      .startsWith("containers.profiles.Big One: a profile's name must match"));
    assertEquals("containers.profiles must be a mapping, not a string", failure(config(new JsonObject().put("profiles", "large"))));
    assertEquals("containers.profiles.large must be a mapping such as {memory: 4g, cpus: 2}",
      failure(profiles(new JsonObject().put("large", "8g"))));
    assertEquals("containers.profiles.large.memory must be a size such as 512m or 1g, got 'lots'",
      failure(profiles(new JsonObject().put("large", new JsonObject().put("memory", "lots")))));
    assertTrue(failure(profiles(new JsonObject().put("large", new JsonObject().put("cpus", 0))))
      .startsWith("containers.profiles.large.cpus must be a number from"));
    assertTrue(failure(profiles(new JsonObject().put("large", new JsonObject().put("users", new JsonObject()))))
      .startsWith("containers.profiles.large.users must be a list"));
    assertTrue(failure(config(new JsonObject().put("cpus", -1))).startsWith("containers.cpus must be a number from"));
  }

  @Test
  void theDefaultProfileNeedsEveryKey() {
    JsonObject config = WharfConfig.defaults();
    config.getJsonObject("containers").remove("pids");
    assertEquals("containers.pids is missing", failure(config));
  }

  @Test
  void theApiShapeLeavesOutWhoMayUseIt() {
    JsonObject json = LimitProfiles.fromJson(CONTAINERS).get("large").orElseThrow().toJson();
    assertEquals(Set.of("name", "description", "default", "memory", "cpus", "pids"), json.fieldNames());
    assertEquals(4.0, json.getDouble("cpus"));
  }
}
