package io.wharf.container.impl;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wharf.config.WharfConfig;
import io.wharf.container.ContainerAddresses.FailureCodes;
import io.wharf.container.ContainerInfo;
import io.wharf.container.ContainerManager;
import io.wharf.container.ContainerManagerOptions;
import io.wharf.container.ContainerManagerRole;
import io.wharf.container.HomeVolume;
import io.wharf.container.LaunchSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Against the local Docker engine and the wharf/jupyter:latest image. */
class ContainerManagerIT {

  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final String INSTANCE = "it-" + RUN;
  private static final String EXITING_INSTANCE = "it-" + RUN + "-exit";
  private static final String UNREACHABLE_INSTANCE = "it-" + RUN + "-nodocker";
  private static final String NETWORK = "wharf-it-" + RUN;

  private static Vertx vertx;
  private static DockerContainers docker;
  private static ContainerManager manager;
  private static ContainerManager exitingManager;
  private static ContainerManager unreachableManager;

  @BeforeAll
  static void deploy() throws Exception {
    vertx = Vertx.vertx();
    docker = new DockerContainers(ContainerManagerOptions.fromJson(WharfConfig.defaults()));
    JsonObject containers = new JsonObject()
      .put("allowed-images", new JsonArray().add("wharf/jupyter:latest").add("wharf/nope:1"))
      .put("ready-timeout-seconds", 30)
      .put("network", NETWORK)
      .put("home-volume", INSTANCE + "-home-{account}");
    await(ContainerManagerRole.deploy(vertx, options(INSTANCE, containers), null));
    await(ContainerManagerRole.deploy(vertx, options(EXITING_INSTANCE, containers.copy()
      .put("command", new JsonArray().add("false"))), null));
    await(ContainerManagerRole.deploy(vertx, options(UNREACHABLE_INSTANCE, containers.copy()
      .put("docker-host", "unix:///nonexistent/docker.sock")), null));
    manager = ContainerManager.client(vertx, INSTANCE, 60_000);
    exitingManager = ContainerManager.client(vertx, EXITING_INSTANCE, 60_000);
    unreachableManager = ContainerManager.client(vertx, UNREACHABLE_INSTANCE, 60_000);
  }

  /** The shipped defaults with this instance id and some {@code containers} keys replaced. */
  private static ContainerManagerOptions options(String instance, JsonObject containers) {
    JsonObject config = WharfConfig.defaults();
    config.getJsonObject("instance").put("id", instance);
    config.getJsonObject("containers").mergeIn(containers);
    return ContainerManagerOptions.fromJson(config);
  }

  @AfterAll
  static void cleanUp() throws Exception {
    try {
      for (String instance : List.of(INSTANCE, EXITING_INSTANCE)) {
        remaining(instance).forEach(docker::removeQuietly);
      }
      docker.volumes(Map.of("wharf.instance", INSTANCE)).keySet().forEach(docker::removeVolume);
      docker.volumes(Map.of("wharf.instance", EXITING_INSTANCE)).keySet().forEach(docker::removeVolume);
    } finally {
      try {
        await(vertx.close());
        TestNetworks.remove(docker, NETWORK);
      } finally {
        docker.close();
      }
    }
  }

  @Test
  void launchesProbesListsAndStops() throws Exception {
    String token = UUID.randomUUID().toString().replace("-", "");
    ContainerInfo info = await(manager.launch(spec("alice", "", null, token, "/user/alice/")));
    assertEquals("alice", info.user());
    assertEquals("", info.server());
    assertEquals(INSTANCE, info.instance());
    assertEquals("127.0.0.1", info.host());
    assertTrue(info.port() > 0);
    assertEquals(token, info.token());
    assertTrue(info.running());

    String status = "http://" + info.host() + ":" + info.port() + "/user/alice/api/status";
    assertEquals(200, get(status, "token " + token));
    assertEquals(403, get(status, null));

    List<ContainerInfo> listed = await(manager.list());
    assertEquals(List.of(info), listed);

    await(manager.stop(info.id()));
    assertEquals(List.of(), await(manager.list()));
    assertEquals(List.of(), remaining(INSTANCE));
    // A container that is already gone stops successfully.
    await(manager.stop(info.id()));
  }

  @Test
  void missingImageFailsAndLeavesNothing() {
    ReplyException failure = failure(manager.launch(spec("bob", "", "wharf/nope:1", "t0ken", null)));
    assertEquals(FailureCodes.IMAGE_NOT_FOUND, failure.failureCode());
    assertEquals("image wharf/nope:1 is not present on the Docker engine", failure.getMessage());
    assertEquals(List.of(), remaining(INSTANCE));
  }

  @Test
  void imageOffTheAllowListIsABadRequest() {
    ReplyException failure = failure(manager.launch(spec("bob", "", "debian:12", "t0ken", null)));
    assertEquals(FailureCodes.BAD_REQUEST, failure.failureCode());
  }

  @Test
  void notebookThatExitsFailsAndLeavesNothing() {
    ReplyException failure = failure(exitingManager.launch(spec("carol", "lab", null, "t0ken", null)));
    assertEquals(FailureCodes.NOT_READY, failure.failureCode());
    assertTrue(failure.getMessage().contains("exited with code 1"), failure.getMessage());
    assertEquals(List.of(), remaining(EXITING_INSTANCE));
  }

  @Test
  void unreachableEngineIsReportedAsUnavailable() {
    ReplyException failure = failure(unreachableManager.launch(spec("dave", "", null, "t0ken", null)));
    assertEquals(FailureCodes.DOCKER_UNAVAILABLE, failure.failureCode(), failure.getMessage());
  }

  @Test
  void homesAreKeyedByAccountAndRemovedWithIt() throws Exception {
    String account = UUID.randomUUID().toString();
    ContainerInfo info = await(manager.launch(new LaunchSpec("erin", "lab", null, "t0ken-erin", null, "", account)));
    HomeVolume home = await(manager.homes()).stream().filter(h -> account.equals(h.account())).findFirst().orElseThrow();
    assertEquals(new HomeVolume(INSTANCE + "-home-" + account + "-lab", account, "erin", "lab"), home);

    // In use by the running server: refused, and the volume stays.
    ReplyException inUse = failure(manager.removeHomes(account));
    assertEquals(FailureCodes.DOCKER_ERROR, inUse.failureCode());
    assertTrue(docker.volumes(Map.of("wharf.account", account)).containsKey(home.name()));

    await(manager.stop(info.id()));
    assertEquals(List.of(home.name()), await(manager.removeHomes(account)));
    assertEquals(Map.of(), docker.volumes(Map.of("wharf.account", account)));
    assertTrue(await(manager.homes()).stream().noneMatch(h -> account.equals(h.account())));
    // Nothing left to remove is a success.
    assertEquals(List.of(), await(manager.removeHomes(account)));
  }

  /** A launch of {@code user}'s server by an account of its own. */
  private static LaunchSpec spec(String user, String server, String image, String token, String baseUrl) {
    return new LaunchSpec(user, server, image, token, baseUrl, "", "account-of-" + user);
  }

  private static List<String> remaining(String instance) {
    return docker.listIds(Map.of("wharf.managed", "true", "wharf.instance", instance));
  }

  private static int get(String url, String authorization) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static ReplyException failure(Future<?> future) {
    ExecutionException thrown = assertThrows(ExecutionException.class, () -> await(future));
    ReplyException failure = assertInstanceOf(ReplyException.class, thrown.getCause());
    System.out.println("launch failed as expected: " + failure.failureCode() + " " + failure.getMessage());
    return failure;
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
  }
}
