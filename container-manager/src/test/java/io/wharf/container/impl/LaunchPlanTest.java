package io.wharf.container.impl;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wharf.config.WharfConfig;
import io.wharf.container.ContainerAddresses.FailureCodes;
import io.wharf.container.ContainerManagerOptions;
import io.wharf.container.LaunchSpec;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LaunchPlanTest {

  private final ContainerManagerOptions options = options(new JsonObject());
  private final SplittableRandom random = new SplittableRandom(7);

  /** The shipped defaults, on instance {@code test}, with some {@code containers} keys replaced. */
  private static ContainerManagerOptions options(JsonObject containers) {
    JsonObject config = WharfConfig.defaults();
    config.getJsonObject("instance").put("id", "test");
    config.getJsonObject("containers").mergeIn(containers);
    return ContainerManagerOptions.fromJson(config);
  }

  /** A launch by an account of its own, as the session manager asks for one. */
  private static LaunchSpec spec(String user, String server, String image, String token, String baseUrl) {
    return spec(user, server, image, token, baseUrl, "");
  }

  private static LaunchSpec spec(String user, String server, String image, String token, String baseUrl, String profile) {
    return new LaunchSpec(user, server, image, token, baseUrl, profile, "account-1");
  }

  @Test
  void substitutesTheCommandTemplate() {
    ContainerManagerOptions custom = options(new JsonObject()
      .put("command", new JsonArray().add("jupyter-notebook").add("--NotebookApp.base_url={base_url}")));
    LaunchPlan plan = LaunchPlan.of(custom, spec("alice", "", null, "secret", "/user/alice/"), random);
    assertEquals(List.of("jupyter-notebook", "--NotebookApp.base_url=/user/alice/"), plan.command());
    assertEquals(custom.readyPath().replace("{base_url}", "/user/alice/"), plan.readyPath());
    assertEquals(custom.image(), plan.image());
  }

  @Test
  void theShippedCommandGetsTheBaseUrl() {
    LaunchPlan plan = LaunchPlan.of(options, spec("alice", "", null, "secret", "/user/alice/"), random);
    assertTrue(plan.command().stream().anyMatch(arg -> arg.endsWith("=/user/alice/")), plan.command().toString());
    assertTrue(plan.command().stream().noneMatch(arg -> arg.contains("{")), plan.command().toString());
  }

  @Test
  void substitutesEveryPlaceholderOnce() {
    Map<String, String> values = Map.of("base_url", "/b/{user}/", "user", "u", "server", "s");
    assertEquals("/b/{user}/-u-s-{other}", LaunchPlan.substitute("{base_url}-{user}-{server}-{other}", values));
  }

  @Test
  void defaultsTheBaseUrlForNamedServers() {
    LaunchPlan plan = LaunchPlan.of(options, spec("bob", "gpu", null, "secret", null), random);
    assertEquals("/user/bob/gpu/", plan.baseUrl());
    assertEquals(Map.of("wharf.managed", "true", "wharf.owner", "bob", "wharf.server", "gpu", "wharf.instance", "test",
      "wharf.memory", Long.toString(options.defaultProfile().memoryBytes()), "wharf.profile", ""), plan.labels());
  }

  @Test
  void namesTheHomeVolumeAfterTheAccountAndGivesANamedServerItsOwn() {
    LaunchPlan unnamed = LaunchPlan.of(options, new LaunchSpec("bob", "", null, "secret", null, "", "a1-b2"), random);
    assertEquals("wharf-home-a1-b2", unnamed.homeVolume());
    LaunchPlan named = LaunchPlan.of(options, new LaunchSpec("bob", "gpu", null, "secret", null, "", "a1-b2"), random);
    assertEquals("wharf-home-a1-b2-gpu", named.homeVolume());
    assertEquals(Map.of("wharf.managed", "true", "wharf.account", "a1-b2", "wharf.owner", "bob", "wharf.server", "gpu",
      "wharf.instance", "test"), named.homeLabels("test"));
    ContainerManagerOptions placed = options(new JsonObject().put("home-volume", "h-{server}-{account}"));
    assertEquals("h-gpu-a1-b2",
      LaunchPlan.of(placed, new LaunchSpec("bob", "gpu", null, "secret", null, "", "a1-b2"), random).homeVolume());
  }

  @Test
  void aLaunchWithAHomeNeedsAnAccountId() {
    for (String account : new String[] {"", "../x", "a b", "-lead"}) {
      ContainerFailure failure = assertThrows(ContainerFailure.class,
        () -> LaunchPlan.of(options, new LaunchSpec("bob", "", null, "secret", null, "", account), random), account);
      assertEquals(FailureCodes.BAD_REQUEST, failure.code());
    }
    ContainerManagerOptions noHomes = options(new JsonObject().put("home-volume", ""));
    assertEquals(null, LaunchPlan.of(noHomes, new LaunchSpec("bob", "", null, "secret", null), random).homeVolume());
  }

  @Test
  void namesContainersByInstanceUserAndServer() {
    LaunchPlan plan = LaunchPlan.of(options, spec("bob", "gpu", null, "secret", null), random);
    assertTrue(plan.containerName().matches("wharf-test-bob-gpu-[0-9a-f]{6}"), plan.containerName());
    LaunchPlan unnamed = LaunchPlan.of(options, spec("bob", "", null, "secret", null), random);
    assertTrue(unnamed.containerName().matches("wharf-test-bob-[0-9a-f]{6}"), unnamed.containerName());
  }

  @Test
  void sanitisesContainerNames() {
    String name = LaunchPlan.containerName("node 1", "al/ice", "x:y", random);
    assertTrue(name.matches("wharf-node_1-al_ice-x_y-[0-9a-f]{6}"), name);
  }

  @Test
  void rejectsBadUsers() {
    for (String user : new String[] {null, "", "Alice", "-alice", "al ice", "a".repeat(65), "../etc"}) {
      ContainerFailure failure = assertThrows(ContainerFailure.class,
        () -> LaunchPlan.of(options, spec(user, "", null, "secret", null), random), String.valueOf(user));
      assertEquals(FailureCodes.BAD_REQUEST, failure.code());
    }
  }

  @Test
  void rejectsImagesOffTheAllowList() {
    ContainerFailure failure = assertThrows(ContainerFailure.class,
      () -> LaunchPlan.of(options, spec("alice", "", "evil/miner:1", "secret", null), random));
    assertEquals(FailureCodes.BAD_REQUEST, failure.code());
    assertTrue(failure.getMessage().contains("evil/miner:1"));
  }

  @Test
  void requiresAToken() {
    for (String token : new String[] {null, "", "two words", "line\nbreak"}) {
      assertThrows(ContainerFailure.class,
        () -> LaunchPlan.of(options, spec("alice", "", null, token, null), random));
    }
  }

  @Test
  void rejectsBaseUrlsThatAreNotPlainPaths() {
    for (String baseUrl : new String[] {"user/alice/", "/user/alice", "/user/al ice/", "/user/alice/\" --x/"}) {
      assertThrows(ContainerFailure.class,
        () -> LaunchPlan.of(options, spec("alice", "", null, "secret", baseUrl), random), baseUrl);
    }
  }

  @Test
  void customCommandAndReadyPath() {
    ContainerManagerOptions custom = options(new JsonObject()
      .put("command", new JsonArray().add("run").add("--user={user}").add("--server={server}"))
      .put("ready-path", "{base_url}healthz"));
    LaunchPlan plan = LaunchPlan.of(custom, spec("carol", "dev", null, "secret", "/u/carol/dev/"), random);
    assertEquals(List.of("run", "--user=carol", "--server=dev"), plan.command());
    assertEquals("/u/carol/dev/healthz", plan.readyPath());
  }

  @Test
  void appliesTheChosenProfileAndLabelsIt() {
    ContainerManagerOptions withProfiles = options(new JsonObject()
      .put("profiles", new JsonObject().put("large", new JsonObject().put("memory", "4g").put("cpus", 2))));
    LaunchPlan plan = LaunchPlan.of(withProfiles, spec("dan", "", null, "secret", null, "large"), random);
    assertEquals(4L << 30, plan.profile().memoryBytes());
    assertEquals(2_000_000_000L, plan.profile().nanoCpus());
    assertEquals(withProfiles.defaultProfile().pidsLimit(), plan.profile().pidsLimit(), "taken from the default");
    assertEquals("large", plan.labels().get("wharf.profile"));
    assertEquals(Long.toString(4L << 30), plan.labels().get("wharf.memory"));
    LaunchPlan byDefault = LaunchPlan.of(withProfiles, spec("dan", "", null, "secret", null, "default"), random);
    assertTrue(byDefault.profile().isDefault());
    assertEquals("", byDefault.labels().get("wharf.profile"));
  }

  @Test
  void rejectsAnUnknownProfileBeforeAnyDockerCall() {
    ContainerFailure failure = assertThrows(ContainerFailure.class,
      () -> LaunchPlan.of(options, spec("dan", "", null, "secret", null, "huge"), random));
    assertTrue(failure.getMessage().contains("huge"), failure.getMessage());
  }

  @Test
  void readsTheMemoryLimitBackFromTheLabels() {
    assertEquals(96L << 20, LaunchPlan.memoryOf(Map.of("wharf.memory", Long.toString(96L << 20)), 1));
    assertEquals(7, LaunchPlan.memoryOf(Map.of(), 7), "launched without the label");
    assertEquals(7, LaunchPlan.memoryOf(Map.of("wharf.memory", "lots"), 7));
    assertEquals(7, LaunchPlan.memoryOf(null, 7));
  }
}
