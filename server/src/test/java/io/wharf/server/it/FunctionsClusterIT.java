package io.wharf.server.it;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Registered functions in a cluster of two Wharf processes (127.0.0.1 and 127.0.0.2: one
 * Hazelcast cluster, one PostgreSQL database, one Docker engine, one snapshot directory they
 * share). A function published through instance A is called through instance B's router, which
 * finds it in the shared registry and runs it on a container its own container manager starts from
 * the shared snapshot; a republish through A is served by B, a key revoked through A is refused by
 * B, and a function deleted through A is gone from B. The measured times are printed with a
 * "functions-cluster:" prefix.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FunctionsClusterIT {

  private static final String PASSWORD = "correct-horse-battery";
  private static final String MAIN = String.join("\n",
    "import socket",
    "",
    "def mean(xs: list) -> float:",
    "    return sum(xs) / len(xs)",
    "",
    "def host():",
    "    return socket.gethostname()",
    "",
    "def version():",
    "    return 'v1'",
    "");

  private WharfCluster cluster;
  private WharfProcess a;
  private WharfProcess b;
  private HubClient aliceOnA;
  private Path snapshots;
  private String revoked;
  private String kept;

  @RegisterExtension
  final WharfCluster.FailureWatch watch = new WharfCluster.FailureWatch();

  @BeforeAll
  void start() throws Exception {
    cluster = new WharfCluster(List.of("127.0.0.1", "127.0.0.2"));
    watch.cluster = cluster;
    a = cluster.instances.get(0);
    b = cluster.instances.get(1);
    // Every instance reads the same homes and the same snapshots, as on one host in production.
    String homes = "it-fncluster-" + UUID.randomUUID().toString().substring(0, 8) + "-home-{account}";
    snapshots = Files.createTempDirectory("wharf-fncluster-snapshots");
    for (WharfProcess wharf : cluster.instances) {
      wharf.with("WHARF_CONTAINERS_HOME_VOLUME", homes)
        .with("WHARF_FUNCTIONS_SNAPSHOT_DIR", snapshots.toString())
        .with("WHARF_FUNCTIONS_IDLE_SECONDS", "3")
        .with("WHARF_FUNCTIONS_SCALE_DOWN_WINDOW_SECONDS", "1")
        // Two members known in advance: the master need not wait the default 5 to 20 s for more joiners.
        .with("JAVA_TOOL_OPTIONS", "-Dhazelcast.wait.seconds.before.join=1 -Dhazelcast.max.wait.seconds.before.join=3");
    }
    long started = System.nanoTime();
    try {
      cluster.start();
      System.out.println("functions-cluster: two instances joined in " + (System.nanoTime() - started) / 1_000_000 + " ms");
      assertEquals(201, cluster.admin.postJson("/hub/api/users/alice", new JsonObject().put("password", PASSWORD)).statusCode());
      aliceOnA = new HubClient(a.base());
      assertEquals(302, aliceOnA.login("alice", PASSWORD).statusCode());
      assertTrue(aliceOnA.awaitProgress("alice").getBoolean("ready", false));
      System.out.println("functions-cluster: two instances and alice's server ready in " + (System.nanoTime() - started) / 1_000_000
        + " ms");
    } catch (Throwable e) {
      watch.failed(e);
      throw e;
    }
  }

  @AfterAll
  void stop() throws Exception {
    try {
      if (cluster != null) {
        cluster.stop(watch.failed);
      }
    } finally {
      if (snapshots != null) {
        try (Stream<Path> files = Files.walk(snapshots)) {
          files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }

  @Test
  @Order(1)
  void aFunctionPublishedThroughOneInstanceAnswersThroughTheOther() throws Exception {
    writeMain();
    HttpResponse<String> published = aliceOnA.postJson("/hub/api/users/alice/functions/stats",
      new JsonObject().put("path", "functions/stats").put("max_containers", 1).put("timeout_seconds", 30));
    assertEquals(201, published.statusCode(), published.body());
    String version = new JsonObject(published.body()).getString("version");
    revoked = newKey("stats");
    kept = newKey("stats");

    // B has never seen the function: it reads the registry, starts a container of its own and answers.
    long start = System.nanoTime();
    HttpResponse<String> mean = call(b, "POST", "/fn/alice/stats/mean", "{\"xs\": [1, 2, 3]}", revoked);
    System.out.println("functions-cluster: first call through B (a cold start there) took " + (System.nanoTime() - start) / 1_000_000
      + " ms");
    assertEquals(200, mean.statusCode(), mean.body());
    assertEquals(2.0, new JsonObject(mean.body()).getDouble("result"));

    List<String> onB = functionContainers(b);
    assertEquals(1, onB.size(), "B's container manager started the function's container");
    assertEquals(List.of(), functionContainers(a), "A ran nothing: no call went through it");
    JsonObject labels = new JsonArray(Docker.run("docker", "inspect", onB.get(0))).getJsonObject(0).getJsonObject("Config")
      .getJsonObject("Labels");
    assertEquals(version, labels.getString("wharf.version"), "the container runs the version published through A");

    // The next calls reuse that container.
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> host = call(b, "GET", "/fn/alice/stats/host", null, kept);
      assertEquals(200, host.statusCode(), host.body());
      assertTrue(onB.get(0).startsWith(new JsonObject(host.body()).getString("result")), host.body() + " is " + onB.get(0));
    }
    assertEquals(onB, functionContainers(b));
  }

  @Test
  @Order(2)
  void aKeyRevokedThroughOneInstanceIsRefusedByTheOther() throws Exception {
    assertEquals(200, call(b, "GET", "/fn/alice/stats/host", null, revoked).statusCode());
    JsonArray keys = new JsonArray(aliceOnA.get("/hub/api/users/alice/functions/stats/keys").body());
    String id = keys.stream().map(JsonObject.class::cast).filter(k -> "revoke me".equals(k.getString("note"))).findFirst()
      .orElseThrow().getString("id");
    assertEquals(204, aliceOnA.delete("/hub/api/users/alice/functions/stats/keys/" + id).statusCode());
    long revokedAt = System.nanoTime();
    int status = awaitStatus(b, "/fn/alice/stats/host", revoked, 403, Duration.ofSeconds(2));
    System.out.println("functions-cluster: B refused the key revoked through A after " + (System.nanoTime() - revokedAt) / 1_000_000
      + " ms");
    assertEquals(403, status, "B refuses the revoked key within 2 s");
    assertEquals(200, call(b, "GET", "/fn/alice/stats/host", null, kept).statusCode(), "the other key still works");
  }

  @Test
  @Order(3)
  void aRepublishThroughOneInstanceIsServedByTheOther() throws Exception {
    assertEquals("v1", new JsonObject(call(b, "GET", "/fn/alice/stats/version", null, kept).body()).getString("result"));
    String v1 = new JsonObject(aliceOnA.get("/hub/api/users/alice/functions/stats").body()).getString("version");
    HttpResponse<String> file = put("/user/alice/api/contents/functions/stats/main.py",
      new JsonObject().put("type", "file").put("format", "text").put("content", MAIN.replace("'v1'", "'v2'")));
    assertEquals(200, file.statusCode(), file.body());
    HttpResponse<String> republished = aliceOnA.postJson("/hub/api/users/alice/functions/stats",
      new JsonObject().put("path", "functions/stats").put("max_containers", 1).put("timeout_seconds", 30));
    assertEquals(200, republished.statusCode(), republished.body());
    String v2 = new JsonObject(republished.body()).getString("version");
    long at = System.nanoTime();

    // B learns of the new version at its next call; its calls switch once a v2 container is ready, none failing meanwhile.
    String answer = "v1";
    while (!answer.equals("v2") && System.nanoTime() - at < Duration.ofSeconds(10).toNanos()) {
      HttpResponse<String> response = call(b, "GET", "/fn/alice/stats/version", null, kept);
      assertEquals(200, response.statusCode(), response.body());
      answer = new JsonObject(response.body()).getString("result");
      assertTrue(answer.equals("v1") || answer.equals("v2"), answer);
      // Within the key's rate (functions.calls-per-second-per-key, 50).
      Thread.sleep(25);
    }
    System.out.println("functions-cluster: B answered with the version republished through A after " + (System.nanoTime() - at) / 1_000_000
      + " ms");
    assertEquals("v2", answer, "B serves the new version within 10 s");
    assertEquals(1, containersOf(b, v2).size(), "B runs the new version on a container of its own");
    WharfCluster.await(Duration.ofSeconds(5), () -> containersOf(b, v1).isEmpty(), "B's container of v1 is removed");
  }

  @Test
  @Order(4)
  void aFunctionDeletedThroughOneInstanceIsGoneFromTheOther() throws Exception {
    HttpResponse<String> published = aliceOnA.postJson("/hub/api/users/alice/functions/other",
      new JsonObject().put("path", "functions/stats").put("max_containers", 1));
    assertEquals(201, published.statusCode(), published.body());
    String otherKey = newKey("other");
    assertEquals(200, call(b, "GET", "/fn/alice/other/host", null, otherKey).statusCode());
    // A key of another function is refused while the function exists ...
    assertEquals(403, call(b, "GET", "/fn/alice/other/host", null, kept).statusCode());

    assertEquals(204, aliceOnA.delete("/hub/api/users/alice/functions/other").statusCode());
    long deletedAt = System.nanoTime();
    // ... and told that there is no such function once it is gone.
    int status = awaitStatus(b, "/fn/alice/other/host", kept, 404, Duration.ofSeconds(2));
    System.out.println("functions-cluster: B answered 404 for the function deleted through A after "
      + (System.nanoTime() - deletedAt) / 1_000_000 + " ms");
    assertEquals(404, status, "B no longer knows the deleted function");
    assertEquals(403, call(b, "GET", "/fn/alice/other/host", null, otherKey).statusCode(), "its keys went with it");
    assertEquals(404, aliceOnA.get("/hub/api/users/alice/functions/other").statusCode());
    assertEquals(200, call(b, "GET", "/fn/alice/stats/host", null, kept).statusCode(), "the other function is untouched");

    // B's containers of both functions go once idle; none is left on either instance.
    long idleFrom = System.nanoTime();
    WharfCluster.await(Duration.ofSeconds(20), () -> functionContainers(a).isEmpty() && functionContainers(b).isEmpty(),
      "no function container left after the idle time");
    System.out.println("functions-cluster: B's function containers were gone " + (System.nanoTime() - idleFrom) / 1_000_000
      + " ms after the last call (idle time 3 s)");
  }

  // ---- helpers

  private void writeMain() throws Exception {
    assertEquals(201, put("/user/alice/api/contents/functions", new JsonObject().put("type", "directory")).statusCode());
    assertEquals(201, put("/user/alice/api/contents/functions/stats", new JsonObject().put("type", "directory")).statusCode());
    HttpResponse<String> file = put("/user/alice/api/contents/functions/stats/main.py",
      new JsonObject().put("type", "file").put("format", "text").put("content", MAIN));
    assertEquals(201, file.statusCode(), file.body());
  }

  /** By label in one listing: a container removed meanwhile is simply not listed (inspecting each one raced with its removal). */
  private static List<String> containersOf(WharfProcess wharf, String version) {
    String out = Docker.run("docker", "ps", "-aq", "--no-trunc", "--filter", "label=wharf.instance=" + wharf.instanceId,
      "--filter", "label=wharf.kind=function", "--filter", "label=wharf.version=" + version);
    return Arrays.stream(out.split("\\s+")).filter(s -> !s.isBlank()).toList();
  }

  private String newKey(String function) throws Exception {
    String note = revoked == null ? "revoke me" : "keep me";
    HttpResponse<String> created = aliceOnA.postJson("/hub/api/users/alice/functions/" + function + "/keys",
      new JsonObject().put("note", note));
    assertEquals(201, created.statusCode(), created.body());
    return new JsonObject(created.body()).getString("key");
  }

  private HttpResponse<String> put(String path, JsonObject body) throws Exception {
    return aliceOnA.send(aliceOnA.request(path).header("Content-Type", "application/json")
      .PUT(HttpRequest.BodyPublishers.ofString(body.encode())).build());
  }

  /** A caller's request to one instance's router alone: its key and nothing else. */
  private HttpResponse<String> call(WharfProcess wharf, String method, String path, String body, String key) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(wharf.base() + path)).timeout(Duration.ofSeconds(60))
      .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
      .header("Content-Type", "application/json");
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    return aliceOnA.http().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Calls {@code path} on {@code wharf} until it answers {@code expected} or {@code within} passes; the last status. */
  private int awaitStatus(WharfProcess wharf, String path, String key, int expected, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    int status = call(wharf, "GET", path, null, key).statusCode();
    while (status != expected && System.nanoTime() < deadline) {
      Thread.sleep(25);
      status = call(wharf, "GET", path, null, key).statusCode();
    }
    return status;
  }

  private static List<String> functionContainers(WharfProcess wharf) {
    String out = Docker.run("docker", "ps", "-aq", "--no-trunc", "--filter", "label=wharf.instance=" + wharf.instanceId,
      "--filter", "label=wharf.kind=function");
    return Arrays.stream(out.split("\\s+")).filter(s -> !s.isBlank()).toList();
  }
}
