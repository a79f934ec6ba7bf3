package io.wharf.server.it;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A server's life against the real engine and the real Jupyter image: the metrics after a spawn,
 * on the HTTPS port behind {@code read:metrics} or on a local port; an out-of-memory kill seen
 * within 2 s; the home volume across a stop and a start; and Wharf with the Docker engine down,
 * then up again. That last test stops the machine's Docker engine, so this class runs after every
 * other one (see junit-platform.properties) and its last method is that test.
 */
@ExtendWith(WharfExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Order(Integer.MAX_VALUE)
class LifecycleIT {

  private static final String PASSWORD = "lifecycle-password";
  /** Kernel code that gets the notebook server itself killed for memory: see {@link #anOutOfMemoryKillStopsTheServerWithin2s}. */
  private static final String EAT_MEMORY = String.join("\n",
    "with open('/proc/1/oom_score_adj', 'w') as f:",
    "    f.write('1000')",
    "hog = b'x' * (1024 * 1024 * 1024)");

  private WharfProcess shared;
  private HubClient admin;
  private String metricsToken;
  /** A second Wharf: 128 MiB per container, metrics on a local port. */
  private WharfProcess small;
  private int smallMetricsPort;

  @BeforeAll
  void setUp(WharfProcess wharf) throws Exception {
    shared = wharf;
    admin = new HubClient(wharf.base());
    assertEquals(302, admin.login("admin", WharfProcess.ADMIN_PASSWORD).statusCode());
    for (String user : List.of("mira", "lena")) {
      HttpResponse<String> created = admin.postJson("/hub/api/users/" + user, new JsonObject().put("password", PASSWORD));
      assertEquals(201, created.statusCode(), created.body());
    }
    HttpResponse<String> token = admin.postJson("/hub/api/users/admin/tokens",
      new JsonObject().put("scopes", List.of("read:metrics")).put("note", "LifecycleIT scrape"));
    assertEquals(201, token.statusCode(), token.body());
    metricsToken = new JsonObject(token.body()).getString("token");

    smallMetricsPort = WharfProcess.freePort();
    small = new WharfProcess("small", Map.of(
      "WHARF_CONTAINERS_MEMORY", "128m",
      "WHARF_METRICS_PORT", Integer.toString(smallMetricsPort))).start();
  }

  @AfterAll
  void tearDown() throws Exception {
    if (small != null) {
      small.close();
    }
  }

  // ------------------------------------------------------------------------------------ metrics

  @Test
  @Order(1)
  void metricsArePresentAfterASpawnAndNeedReadMetrics() throws Exception {
    HubClient mira = new HubClient(shared.base());
    assertEquals(302, mira.login("mira", PASSWORD).statusCode());
    try {
      assertTrue(mira.awaitProgress("mira").getBoolean("ready", false));
      assertEquals(200, mira.get("/user/mira/api/status").statusCode());
      assertEquals(403, mira.get("/user/lena/api/status").statusCode(), "another user's server");

      assertEquals(403, scrape(shared.base() + "/hub/metrics", null).statusCode());
      HttpResponse<String> ownToken = mira.postJson("/hub/api/users/mira/tokens", new JsonObject());
      assertEquals(201, ownToken.statusCode(), ownToken.body());
      HttpResponse<String> refused = scrape(shared.base() + "/hub/metrics", new JsonObject(ownToken.body()).getString("token"));
      assertEquals(403, refused.statusCode(), "a user's token lacks read:metrics: " + refused.body());

      // The load report that feeds wharf_running_servers comes every 2 s.
      Map<String, Double> samples = awaitSample(shared.base() + "/hub/metrics", metricsToken, "wharf_running_servers", 1);
      assertTrue(samples.get("wharf_proxy_request_duration_seconds_count{status=\"2xx\"}") >= 1, "the proxied request was timed");
      assertTrue(samples.get("wharf_proxy_request_duration_seconds_count{status=\"4xx\"}") >= 1, "the refused request was timed");
      for (String status : List.of("1xx", "2xx", "3xx", "4xx", "5xx")) {
        assertNotNull(samples.get("wharf_proxy_request_duration_seconds_sum{status=\"" + status + "\"}"), status);
      }
      assertNotNull(samples.get("wharf_websocket_connections"));
      assertNotNull(samples.get("wharf_docker_errors_total{reason=\"unavailable\"}"));
      assertNotNull(samples.get("wharf_docker_errors_total{reason=\"error\"}"));
      assertTrue(samples.keySet().stream().anyMatch(k -> k.startsWith("vertx_http_server_requests_total")), "Vert.x HTTP server metrics");
      assertTrue(samples.keySet().stream().anyMatch(k -> k.startsWith("vertx_http_client_requests_total")), "Vert.x HTTP client metrics");
      assertTrue(samples.keySet().stream().anyMatch(k -> k.startsWith("wharf_spawn_duration_seconds_count")), "spawn durations");
      assertNotNull(samples.get("wharf_spawn_queue_length"));
      assertTrue(samples.keySet().stream().anyMatch(k -> k.startsWith("wharf_culled_total")), "culled servers");
      for (String series : samples.keySet()) {
        // Bounded labels: nothing per user, per path or per address.
        assertFalse(series.contains("mira") || series.contains("/user/") || series.contains("127.0.0.1"), series);
      }
    } finally {
      assertEquals(204, mira.delete("/hub/api/users/mira/server").statusCode());
    }
  }

  @Test
  @Order(2)
  void metricsOnALocalPortAreServedThereOnly() throws Exception {
    HttpResponse<String> local = scrape("http://127.0.0.1:" + smallMetricsPort + "/metrics", null);
    assertEquals(200, local.statusCode());
    assertTrue(samples(local.body()).containsKey("wharf_docker_errors_total{reason=\"unavailable\"}"), local.body());
    assertEquals(200, scrape("http://127.0.0.1:" + smallMetricsPort + "/hub/metrics", null).statusCode());

    HubClient smallAdmin = new HubClient(small.base());
    assertEquals(302, smallAdmin.login("admin", WharfProcess.ADMIN_PASSWORD).statusCode());
    HttpResponse<String> token = smallAdmin.postJson("/hub/api/users/admin/tokens", new JsonObject().put("scopes", List.of("read:metrics")));
    assertEquals(201, token.statusCode(), token.body());
    assertEquals(404, scrape(small.base() + "/hub/metrics", new JsonObject(token.body()).getString("token")).statusCode(),
      "with a metrics port, the HTTPS port does not serve them");
  }

  // -------------------------------------------------------------------------------- memory kill

  /**
   * Under a memory limit the kernel, not the notebook server, is usually what the kernel's OOM
   * killer picks, and Jupyter just restarts it. To have the container itself die of it, the
   * kernel first marks the server (pid 1, same user) as the OOM killer's first choice.
   */
  @Test
  @Order(3)
  void anOutOfMemoryKillStopsTheServerWithin2s() throws Exception {
    HubClient user = new HubClient(small.base());
    assertEquals(302, user.login("admin", WharfProcess.ADMIN_PASSWORD).statusCode());
    JsonObject ready = user.awaitProgress("admin");
    assertTrue(ready.getBoolean("ready", false), ready.encode());
    String container = server(user, "admin").getJsonObject("state").getString("container");
    HttpResponse<String> created = user.postJson("/user/admin/api/kernels", new JsonObject().put("name", "python3"));
    assertEquals(201, created.statusCode(), created.body());
    String kernel = new JsonObject(created.body()).getString("id");

    long since = System.currentTimeMillis() / 1000 - 1;
    CompletableFuture<Void> running = CompletableFuture.runAsync(() -> {
      try {
        NotebookKernel.execute(user, "admin", kernel, EAT_MEMORY, small.base());
      } catch (Exception expected) {
        // The kernel's socket dies with the container.
      }
    });
    JsonObject stopped = null;
    long seenAt = 0;
    long deadline = System.currentTimeMillis() + 60_000;
    while (stopped == null && System.currentTimeMillis() < deadline) {
      JsonObject server = server(user, "admin");
      if (server != null && server.getBoolean("stopped", false)) {
        seenAt = System.currentTimeMillis();
        stopped = server;
      } else {
        Thread.sleep(100);
      }
    }
    assertNotNull(stopped, "the server was not marked stopped within 60 s");
    running.cancel(true);
    String error = stopped.getJsonObject("state").getString("error");
    assertTrue(error.contains("out of memory"), error);
    assertFalse(stopped.getBoolean("ready"));

    String dieNanos = Docker.run("docker", "events", "--since", Long.toString(since),
      "--until", Long.toString(System.currentTimeMillis() / 1000 + 1),
      "--filter", "container=" + container, "--filter", "event=die", "--format", "{{.TimeNano}}").trim();
    assertFalse(dieNanos.isEmpty(), "Docker reported no death of " + container);
    long diedAt = Long.parseLong(dieNanos.lines().findFirst().orElseThrow()) / 1_000_000;
    assertTrue(seenAt - diedAt <= 2_000, "marked stopped " + (seenAt - diedAt) + " ms after the container died");
    String oom = Docker.run("docker", "events", "--since", Long.toString(since),
      "--until", Long.toString(System.currentTimeMillis() / 1000 + 1),
      "--filter", "container=" + container, "--filter", "event=oom", "--format", "{{.Action}}").trim();
    assertFalse(oom.isEmpty(), "Docker saw no OOM kill in " + container);

    // The user can start again.
    HttpResponse<String> restart = user.send(user.request("/hub/api/users/admin/server").POST(HttpRequest.BodyPublishers.noBody()).build());
    assertEquals(202, restart.statusCode(), restart.body());
    assertTrue(user.awaitProgress("admin").getBoolean("ready", false));
    assertEquals(204, user.delete("/hub/api/users/admin/server").statusCode());
  }

  // ------------------------------------------------------------------------------------- homes

  @Test
  @Order(4)
  void aFileInTheHomeSurvivesStopAndStart() throws Exception {
    HubClient lena = new HubClient(shared.base());
    assertEquals(302, lena.login("lena", PASSWORD).statusCode());
    assertTrue(lena.awaitProgress("lena").getBoolean("ready", false));
    // A server's state (its container) is for admins to read.
    String firstContainer = server(admin, "lena").getJsonObject("state").getString("container");
    String text = "written at " + System.nanoTime();
    HttpResponse<String> put = lena.send(lena.request("/user/lena/api/contents/kept.txt").header("Content-Type", "application/json")
      .PUT(HttpRequest.BodyPublishers.ofString(new JsonObject().put("type", "file").put("format", "text").put("content", text).encode()))
      .build());
    assertEquals(201, put.statusCode(), put.body());

    assertEquals(204, lena.delete("/hub/api/users/lena/server").statusCode());
    assertFalse(Docker.containersOf(shared.instanceId).contains(firstContainer), "the first container is gone");
    HttpResponse<String> start = lena.send(lena.request("/hub/api/users/lena/server").POST(HttpRequest.BodyPublishers.noBody()).build());
    assertEquals(202, start.statusCode(), start.body());
    assertTrue(lena.awaitProgress("lena").getBoolean("ready", false));
    assertNotEquals(firstContainer, server(admin, "lena").getJsonObject("state").getString("container"));

    HttpResponse<String> read = lena.get("/user/lena/api/contents/kept.txt?type=file&format=text");
    assertEquals(200, read.statusCode(), read.body());
    assertEquals(text, new JsonObject(read.body()).getString("content"));
    assertEquals(204, lena.delete("/hub/api/users/lena/server").statusCode());
  }

  // ---------------------------------------------------------------------- Docker down, then up

  /**
   * Stops the machine's Docker engine under a running Wharf, then starts it again. Meanwhile a
   * spawn is refused at once with 503 and Retry-After, readiness fails while liveness holds, and
   * the server that was running keeps its route: the router still routes to it, and Wharf neither
   * drops nor fails the session. Once the engine is back the same container answers again, and a
   * spawn succeeds, with no restart of Wharf.
   *
   * <p>The engine runs with live-restore for this test. Without it dockerd stops every container
   * on its way down (kill, die and stop within 150 ms here), and Wharf then rightly marks those
   * servers stopped; with it the containers outlive the engine, which is how a Wharf host should
   * run its engine. The engine's configuration is put back afterwards, and the engine is started
   * again whatever happens.
   */
  @Test
  @Order(5)
  void withDockerDownASpawnGets503AndWharfRecoversWhenItIsBack() throws Exception {
    int metricsPort = WharfProcess.freePort();
    try (WharfProcess wharf = new WharfProcess("outage", Map.of("WHARF_METRICS_PORT", Integer.toString(metricsPort))).start()) {
      HubClient admin = new HubClient(wharf.base());
      assertEquals(302, admin.login("admin", WharfProcess.ADMIN_PASSWORD).statusCode());
      assertEquals(201, admin.postJson("/hub/api/users/otto", new JsonObject().put("password", PASSWORD)).statusCode());
      assertTrue(admin.awaitProgress("admin").getBoolean("ready", false));
      assertEquals(200, admin.get("/user/admin/api/status").statusCode());
      String container = server(admin, "admin").getJsonObject("state").getString("container");
      String metrics = "http://127.0.0.1:" + metricsPort + "/metrics";
      String dockerErrors = "wharf_docker_errors_total{reason=\"unavailable\"}";
      double errorsBefore = samples(scrape(metrics, null).body()).get(dockerErrors);

      List<String> engine = DockerEngine.commandLine();
      try {
        DockerEngine.liveRestore(true);
        DockerEngine.stop();

        // At once, with no wait for a periodic check: the event stream's end told Wharf.
        long asked = System.nanoTime();
        HttpResponse<String> spawn = admin.send(admin.request("/hub/api/users/otto/server").POST(HttpRequest.BodyPublishers.noBody()).build());
        long tookMillis = (System.nanoTime() - asked) / 1_000_000;
        assertEquals(503, spawn.statusCode(), spawn.body());
        assertTrue(new JsonObject(spawn.body()).getString("message").startsWith("Docker engine unavailable"), spawn.body());
        assertTrue(spawn.headers().firstValue("retry-after").isPresent(), "Retry-After");
        assertTrue(tookMillis < 5_000, "the refusal took " + tookMillis + " ms");
        assertTrue(samples(scrape(metrics, null).body()).get(dockerErrors) > errorsBefore, "Docker errors are counted");

        HttpResponse<String> ready = awaitStatus(wharf.base() + "/hub/health", 503);
        assertTrue(new JsonObject(ready.body()).getString("reason").startsWith("Docker engine unavailable"), ready.body());
        assertEquals(503, scrape(wharf.base() + "/hub/health/ready", null).statusCode());
        assertEquals(200, scrape(wharf.base() + "/hub/health/live", null).statusCode());
        awaitDocker(admin, false);

        // The route stays. The notebook itself is unreachable here while the engine is down: its
        // published port goes with dockerd (docker-proxy), so the router answers 502 at once. With
        // an engine that forwards without docker-proxy (userland-proxy off) it answers 200.
        long routed = System.nanoTime();
        HttpResponse<String> route = admin.get("/user/admin/api/status");
        assertTrue(route.statusCode() == 502 || route.statusCode() == 200, "routed, not refused: " + route.statusCode() + " " + route.body());
        assertTrue((System.nanoTime() - routed) / 1_000_000 < 10_000, "the router answers at once");
        JsonObject kept = server(admin, "admin");
        assertTrue(kept.getBoolean("ready"), "the session survives the outage: " + kept.encode());
        assertEquals(container, kept.getJsonObject("state").getString("container"));
      } finally {
        try {
          DockerEngine.start();
        } finally {
          DockerEngine.restoreConfig();
        }
      }
      assertEquals(engine, DockerEngine.commandLine(), "the engine runs again as it was started (say with --userland-proxy=false)");

      awaitStatus(wharf.base() + "/hub/health", 200);
      awaitDocker(admin, true);
      assertEquals(200, awaitStatus(admin, "/user/admin/api/status", 200).statusCode(), "the same notebook answers again");
      assertEquals(container, server(admin, "admin").getJsonObject("state").getString("container"));

      HttpResponse<String> spawn = admin.send(admin.request("/hub/api/users/otto/server").POST(HttpRequest.BodyPublishers.noBody()).build());
      assertEquals(202, spawn.statusCode(), spawn.body());
      HubClient otto = new HubClient(wharf.base());
      assertEquals(302, otto.login("otto", PASSWORD).statusCode());
      assertTrue(otto.awaitProgress("otto").getBoolean("ready", false), "a spawn succeeds once the engine is back");
      assertEquals(200, otto.get("/user/otto/api/status").statusCode());
      assertEquals(204, otto.delete("/hub/api/users/otto/server").statusCode());
      assertEquals(204, admin.delete("/hub/api/users/admin/server").statusCode());
    }
  }

  // ------------------------------------------------------------------------------------ helpers

  private static JsonObject server(HubClient client, String user) throws Exception {
    HttpResponse<String> model = client.get("/hub/api/users/" + user + "?include_stopped_servers");
    assertEquals(200, model.statusCode(), model.body());
    return new JsonObject(model.body()).getJsonObject("servers").getJsonObject("");
  }

  /** GETs {@code url} until it answers {@code status} (60 s at most). */
  private HttpResponse<String> awaitStatus(String url, int status) throws Exception {
    long deadline = System.currentTimeMillis() + 60_000;
    HttpResponse<String> response = scrape(url, null);
    while (response.statusCode() != status && System.currentTimeMillis() < deadline) {
      Thread.sleep(250);
      response = scrape(url, null);
    }
    assertEquals(status, response.statusCode(), url + ": " + response.body());
    return response;
  }

  /** GETs {@code path} as {@code client} until it answers {@code status} (30 s at most). */
  private static HttpResponse<String> awaitStatus(HubClient client, String path, int status) throws Exception {
    long deadline = System.currentTimeMillis() + 30_000;
    HttpResponse<String> response = client.get(path);
    while (response.statusCode() != status && System.currentTimeMillis() < deadline) {
      Thread.sleep(250);
      response = client.get(path);
    }
    return response;
  }

  /** Waits (30 s at most) until the instance's load report says whether its Docker engine answers. */
  private static void awaitDocker(HubClient admin, boolean up) throws Exception {
    long deadline = System.currentTimeMillis() + 30_000;
    while (true) {
      HttpResponse<String> instances = admin.get("/hub/api/instances");
      assertEquals(200, instances.statusCode(), instances.body());
      boolean docker = new JsonObject(instances.body()).getJsonArray("instances").getJsonObject(0).getBoolean("docker");
      if (docker == up) {
        return;
      }
      assertTrue(System.currentTimeMillis() < deadline, "the instance never reported Docker " + (up ? "up" : "down"));
      Thread.sleep(250);
    }
  }

  private HttpResponse<String> scrape(String url, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET();
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return admin.http().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Scrapes until {@code series} is at least {@code atLeast} (10 s at most); returns the last scrape's samples. */
  private Map<String, Double> awaitSample(String url, String token, String series, double atLeast) throws Exception {
    long deadline = System.currentTimeMillis() + 10_000;
    while (true) {
      HttpResponse<String> response = scrape(url, token);
      assertEquals(200, response.statusCode(), response.body());
      assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("text/plain"));
      Map<String, Double> samples = samples(response.body());
      if (samples.getOrDefault(series, -1.0) >= atLeast || System.currentTimeMillis() > deadline) {
        assertTrue(samples.getOrDefault(series, -1.0) >= atLeast, series + " in:\n" + response.body());
        return samples;
      }
      Thread.sleep(500);
    }
  }

  /** Prometheus text format: series (name and labels) to value. */
  static Map<String, Double> samples(String exposition) {
    Map<String, Double> samples = new HashMap<>();
    for (String line : exposition.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
    }
    return samples;
  }
}
