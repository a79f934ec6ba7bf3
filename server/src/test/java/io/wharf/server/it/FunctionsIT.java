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

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Registered functions on the real engine and image: a folder written into alice's home through
 * the proxied Jupyter contents API is published, called with a key (JSON body and path arguments),
 * fails the documented ways, runs in a locked-down container, and scales to zero when idle.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FunctionsIT {

  private static final String PASSWORD = "correct-horse-battery";
  private static final String MAIN = String.join("\n",
    "import time",
    "",
    "def mean(xs: list) -> float:",
    "    return sum(xs) / len(xs)",
    "",
    "def fib(n):",
    "    n = int(n)",
    "    return n if n < 2 else fib(n - 1) + fib(n - 2)",
    "",
    "def boom():",
    "    raise ValueError('bad input')",
    "",
    "def slow(seconds):",
    "    time.sleep(float(seconds))",
    "    return seconds",
    "");

  // A connection attempt from inside a container: one line per target.
  private static final String PROBE = String.join("\n",
    "import socket, sys",
    "for target in sys.argv[1:]:",
    "    host, port = target.rsplit(':', 1)",
    "    try:",
    "        socket.create_connection((host, int(port)), timeout=2).close()",
    "        print(target, 'connected')",
    "    except OSError as e:",
    "        print(target, 'refused', e.strerror or type(e).__name__)");

  private WharfProcess wharf;
  private HubClient admin;
  private HubClient alice;
  private String key;

  @BeforeAll
  void start() throws Exception {
    wharf = new WharfProcess("functions", Map.of("WHARF_FUNCTIONS_IDLE_SECONDS", "3", "WHARF_FUNCTIONS_SCALE_DOWN_WINDOW_SECONDS", "1"))
      .start();
    admin = new HubClient(wharf.base());
    assertEquals(302, admin.login("admin", WharfProcess.ADMIN_PASSWORD).statusCode());
    assertEquals(201, admin.postJson("/hub/api/users/alice", new JsonObject().put("password", PASSWORD)).statusCode());
    alice = new HubClient(wharf.base());
    assertEquals(302, alice.login("alice", PASSWORD).statusCode());
    assertTrue(alice.awaitProgress("alice").getBoolean("ready", false));
  }

  @AfterAll
  void stop() throws Exception {
    if (wharf != null) {
      wharf.close();
    }
  }

  private HttpResponse<String> put(String path, JsonObject body) throws Exception {
    return alice.send(alice.request(path).header("Content-Type", "application/json")
      .PUT(HttpRequest.BodyPublishers.ofString(body.encode())).build());
  }

  private HttpResponse<String> call(String method, String path, String body, String bearer) throws Exception {
    // A caller has only its key, no cookie.
    HttpRequest.Builder clean = HttpRequest.newBuilder(java.net.URI.create(wharf.base() + path)).timeout(java.time.Duration.ofSeconds(60))
      .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
      .header("Content-Type", "application/json");
    if (bearer != null) {
      clean.header("Authorization", "Bearer " + bearer);
    }
    return alice.http().send(clean.build(), HttpResponse.BodyHandlers.ofString());
  }

  private List<String> functionContainers() {
    String out = Docker.run("docker", "ps", "-q", "--no-trunc", "--filter", "label=wharf.instance=" + wharf.instanceId,
      "--filter", "label=wharf.kind=function");
    return java.util.Arrays.stream(out.split("\\s+")).filter(s -> !s.isBlank()).toList();
  }

  @Test
  @Order(1)
  void aFolderWrittenThroughJupyterIsPublishedAndGetsAKey() throws Exception {
    assertEquals(201, put("/user/alice/api/contents/functions", new JsonObject().put("type", "directory")).statusCode());
    assertEquals(201, put("/user/alice/api/contents/functions/stats", new JsonObject().put("type", "directory")).statusCode());
    HttpResponse<String> file = put("/user/alice/api/contents/functions/stats/main.py",
      new JsonObject().put("type", "file").put("format", "text").put("content", MAIN));
    assertEquals(201, file.statusCode(), file.body());

    HttpResponse<String> published = alice.postJson("/hub/api/users/alice/functions/stats", new JsonObject()
      .put("path", "functions/stats").put("timeout_seconds", 2).put("max_containers", 2));
    assertEquals(201, published.statusCode(), published.body());
    assertTrue(new JsonObject(published.body()).getString("version").matches("[0-9a-f]{64}"));
    assertEquals(400, alice.postJson("/hub/api/users/alice/functions/other", new JsonObject().put("path", "functions/none"))
      .statusCode());

    HttpResponse<String> created = alice.postJson("/hub/api/users/alice/functions/stats/keys", new JsonObject().put("note", "it"));
    assertEquals(201, created.statusCode(), created.body());
    key = new JsonObject(created.body()).getString("key");
  }

  @Test
  @Order(2)
  void callsWithAJsonBodyAndWithPathArguments() throws Exception {
    HttpResponse<String> mean = call("POST", "/fn/alice/stats/mean", "{\"xs\": [1, 2, 3]}", key);
    assertEquals(200, mean.statusCode(), mean.body() + "\n" + wharf.log());
    assertEquals(2.0, new JsonObject(mean.body()).getDouble("result"));
    HttpResponse<String> fib = call("GET", "/fn/alice/stats/fib/20", null, key);
    assertEquals(200, fib.statusCode(), fib.body());
    assertEquals(6765, new JsonObject(fib.body()).getInteger("result"));
    HttpResponse<String> described = call("GET", "/fn/alice/stats/openapi.json", null, key);
    assertEquals(200, described.statusCode(), described.body());
    assertTrue(new JsonObject(described.body()).getJsonObject("paths").containsKey("/mean"));
  }

  @Test
  @Order(3)
  void errorsSayWhoFailed() throws Exception {
    assertEquals(401, call("POST", "/fn/alice/stats/mean", "{}", null).statusCode());
    assertEquals(403, call("POST", "/fn/alice/stats/mean", "{}", "wfk_not-a-key").statusCode());
    assertEquals(404, call("POST", "/fn/alice/stats/nothing", "{}", key).statusCode());
    HttpResponse<String> raised = call("POST", "/fn/alice/stats/boom", "{}", key);
    assertEquals(500, raised.statusCode());
    assertEquals("application/problem+json", raised.headers().firstValue("Content-Type").orElse(""));
    assertEquals(new JsonObject().put("type", "ValueError").put("message", "bad input"),
      new JsonObject(raised.body()).getJsonObject("error"));

    List<String> before = functionContainers();
    long start = System.nanoTime();
    HttpResponse<String> slow = call("GET", "/fn/alice/stats/slow/10", null, key);
    long took = (System.nanoTime() - start) / 1_000_000;
    assertEquals(504, slow.statusCode(), slow.body());
    assertTrue(took < 2_000 + 300, "504 after " + took + " ms for a 2 s timeout");
    // The container that ran over is recycled.
    long deadline = System.currentTimeMillis() + 15_000;
    while (functionContainers().containsAll(before) && System.currentTimeMillis() < deadline) {
      Thread.sleep(200);
    }
    assertFalse(functionContainers().containsAll(before) && !before.isEmpty(), "the container that timed out is gone");
    assertEquals(200, call("GET", "/fn/alice/stats/fib/10", null, key).statusCode());
  }

  @Test
  @Order(4)
  void theFunctionContainerIsLockedDown() throws Exception {
    List<String> running = functionContainers();
    assertFalse(running.isEmpty());
    JsonObject inspected = new JsonArray(Docker.run("docker", "inspect", running.get(0))).getJsonObject(0);
    JsonObject host = inspected.getJsonObject("HostConfig");
    assertTrue(host.getBoolean("ReadonlyRootfs"));
    assertEquals(new JsonArray().add("ALL"), host.getJsonArray("CapDrop"));
    assertTrue(host.getJsonArray("SecurityOpt").contains("no-new-privileges"));
    assertTrue(host.getLong("Memory") > 0 && host.getLong("PidsLimit") > 0 && host.getLong("NanoCpus") > 0);
    assertEquals("65534:65534", inspected.getJsonObject("Config").getString("User"));
    JsonObject socketDir = null;
    for (Object mount : inspected.getJsonArray("Mounts")) {
      JsonObject m = (JsonObject) mount;
      if ("/run/wharf".equals(m.getString("Destination"))) {
        socketDir = m;
        continue;
      }
      assertFalse(m.getBoolean("RW"), "read-only mount: " + m.encode());
      assertFalse("volume".equals(m.getString("Type")), "no home volume: " + m.encode());
    }
    assertEquals("127.0.0.1", host.getJsonObject("PortBindings").getJsonArray("8000/tcp").getJsonObject(0).getString("HostIp"));
    // The one writable place besides /tmp: the runtime's socket directory, an anonymous volume on a 64 KiB tmpfs, whose
    // socket only its owner (and root) may use.
    assertNotNull(socketDir, "a socket directory: " + inspected.getJsonArray("Mounts").encode());
    assertEquals("volume", socketDir.getString("Type"));
    assertEquals("tmpfs", Docker.run("stat", "-f", "-c", "%T", socketDir.getString("Source")).strip());
    assertEquals("socket 600 65534", Docker.run("stat", "-c", "%F %a %u", socketDir.getString("Source") + "/rt").strip());
    String filled = Docker.run("docker", "exec", running.get(0), "python3", "-c", String.join("\n",
      "try:",
      "    with open('/run/wharf/fill', 'wb') as f:",
      "        f.write(b'x' * 1_000_000)",
      "    print('written')",
      "except OSError as e:",
      "    print('refused', e.strerror)"));
    assertTrue(filled.startsWith("refused"), filled);
  }

  @Test
  @Order(4)
  void callsReachTheRuntimeOnItsSocketNotThroughItsPort() throws Exception {
    for (int i = 0; i < 3; i++) {
      assertEquals(200, call("GET", "/fn/alice/stats/fib/5", null, key).statusCode());
    }
    for (String container : functionContainers()) {
      assertEquals(0, Docker.connectionsToRuntimePort(container), "established connections to port 8000 in " + container);
    }
    assertTrue(Docker.connectionsToRuntimeSockets() >= 1, "connections to a runtime's socket");
  }

  @Test
  @Order(5)
  void fromInsideAFunctionContainerNeitherANotebookNorAHostPortAnswers() throws Exception {
    // A call, so that a container runs whatever the idle time did meanwhile.
    assertEquals(200, call("GET", "/fn/alice/stats/fib/5", null, key).statusCode());
    String function = functionContainers().get(0);
    String notebook = Docker.containersOf(wharf.instanceId).stream().filter(id -> !functionContainers().contains(id)).findFirst()
      .orElseThrow();
    JsonObject networks = new JsonArray(Docker.run("docker", "inspect", function)).getJsonObject(0).getJsonObject("NetworkSettings")
      .getJsonObject("Networks");
    String gateway = networks.getJsonObject(networks.fieldNames().iterator().next()).getString("Gateway");
    JsonObject notebookNetworks = new JsonArray(Docker.run("docker", "inspect", notebook)).getJsonObject(0)
      .getJsonObject("NetworkSettings").getJsonObject("Networks");
    String notebookIp = notebookNetworks.getJsonObject(notebookNetworks.fieldNames().iterator().next()).getString("IPAddress");
    // A stand-in for any Wharf port (cluster, metrics): listening on every address of this host.
    try (java.net.ServerSocket listener = new java.net.ServerSocket(0, 50, java.net.InetAddress.getByName("0.0.0.0"))) {
      List<String> targets = List.of(notebookIp + ":8888", gateway + ":" + listener.getLocalPort(), gateway + ":" + wharf.httpsPort);
      List<String> command = new java.util.ArrayList<>(List.of("docker", "exec", function, "python3", "-c", PROBE));
      command.addAll(targets);
      String out = Docker.run(command.toArray(String[]::new));
      for (String target : targets) {
        assertTrue(out.contains(target + " refused"), target + ": " + out);
      }
    }
  }

  @Test
  @Order(6)
  void aContainerKilledUnderneathIsReplacedWithoutAFailedCall() throws Exception {
    assertEquals(200, call("GET", "/fn/alice/stats/fib/5", null, key).statusCode());
    List<String> before = functionContainers();
    Docker.run("docker", "kill", before.get(0));
    // The pool learns of the death from the container manager and removes the container.
    long deadline = System.currentTimeMillis() + 5_000;
    while (Docker.containersOf(wharf.instanceId).contains(before.get(0)) && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
    }
    assertFalse(Docker.containersOf(wharf.instanceId).contains(before.get(0)), "the dead container is removed");
    HttpResponse<String> next = call("GET", "/fn/alice/stats/fib/6", null, key);
    assertEquals(200, next.statusCode(), next.body());
    assertFalse(functionContainers().contains(before.get(0)));
  }

  @Test
  @Order(7)
  void threeRampsOfSixteenCallersScaleUpAndBackToZeroWithNoFailedCall() throws Exception {
    assertEquals(201, alice.postJson("/hub/api/users/alice/functions/ramp", new JsonObject().put("path", "functions/stats")
      .put("max_containers", 4).put("timeout_seconds", 30)).statusCode());
    String rampKey = new JsonObject(alice.postJson("/hub/api/users/alice/functions/ramp/keys", new JsonObject()).body()).getString("key");
    java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(16);
    try {
      for (int ramp = 1; ramp <= 3; ramp++) {
        assertEquals(List.of(), rampContainers(), "ramp " + ramp + " starts from zero containers");
        List<java.util.concurrent.Future<List<Integer>>> callers = new java.util.ArrayList<>();
        java.util.Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
        for (int c = 0; c < 16; c++) {
          boolean sampler = c == 0;
          callers.add(threads.submit(() -> {
            List<Integer> statuses = new java.util.ArrayList<>();
            for (int i = 0; i < 5; i++) {
              statuses.add(call("GET", "/fn/alice/ramp/slow/0.2", null, rampKey).statusCode());
              if (sampler) {
                seen.addAll(rampContainers());
              }
            }
            return statuses;
          }));
        }
        for (var caller : callers) {
          assertEquals(List.of(200, 200, 200, 200, 200), caller.get(120, java.util.concurrent.TimeUnit.SECONDS), "ramp " + ramp);
        }
        assertTrue(seen.size() > 1 && seen.size() <= 4, "ramp " + ramp + ", containers seen: " + seen.size());
        if (ramp < 3) {
          // Back to zero after the idle time (3 s here); the last ramp's descent is the scale-to-zero test's.
          long deadline = System.currentTimeMillis() + 20_000;
          while (!rampContainers().isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(250);
          }
        }
      }
    } finally {
      threads.shutdownNow();
    }
  }

  private List<String> rampContainers() {
    return Docker.run("docker", "ps", "-q", "--filter", "label=wharf.instance=" + wharf.instanceId, "--filter", "label=wharf.function=ramp")
      .lines().filter(s -> !s.isBlank()).toList();
  }

  @Test
  @Order(8)
  void theMetricsCountCallsByOutcomeAndColdStarts() throws Exception {
    HttpResponse<String> metrics = admin.get("/hub/metrics");
    assertEquals(200, metrics.statusCode());
    assertTrue(metrics.body().contains("wharf_function_invocations_total{function=\"alice/stats\",outcome=\"ok\"}"), metrics.body());
    assertTrue(metrics.body().contains("wharf_function_invocations_total{function=\"alice/stats\",outcome=\"timeout\"} 1.0"));
    assertTrue(metrics.body().contains("wharf_function_cold_starts_total{function=\"alice/stats\"}"));
    // The pool of a function idle long enough is dropped with its gauges; the ramp's is there.
    assertTrue(metrics.body().contains("wharf_function_containers{function=\"alice/ramp\"}"));
    assertTrue(metrics.body().contains("wharf_function_queue_length{function=\"alice/ramp\"}"));
  }

  @Test
  @Order(9)
  void aRevokedKeyIsRefusedAtOnceAndAnIdleFunctionScalesToZero() throws Exception {
    JsonArray keys = new JsonArray(alice.get("/hub/api/users/alice/functions/stats/keys").body());
    assertEquals(204, alice.delete("/hub/api/users/alice/functions/stats/keys/" + keys.getJsonObject(0).getString("id")).statusCode());
    assertEquals(403, call("POST", "/fn/alice/stats/mean", "{\"xs\": [1]}", key).statusCode());
    long deadline = System.currentTimeMillis() + 20_000;
    while (!functionContainers().isEmpty() && System.currentTimeMillis() < deadline) {
      Thread.sleep(250);
    }
    assertEquals(List.of(), functionContainers(), "no function container after the idle time");
  }
}
