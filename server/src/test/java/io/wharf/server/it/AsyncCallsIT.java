package io.wharf.server.it;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Durable async calls on the real engine: alice's function appends one line per call to a file in
 * the test-only writable mount; 500 calls are submitted with Idempotency-Keys, Wharf is killed
 * (SIGKILL) twice while they run and restarted on the same data directory each time, and every
 * call ends succeeded. The lines per call tell how often each ran: exactly once. A call a container
 * of the killed run was running when Wharf died is asked again, after the restart, of that very
 * container (recorded before the attempt was sent), whose runtime answers the call id it ran
 * without running it again; those containers are removed once no call needs them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AsyncCallsIT {

  private static final int CALLS = 500;
  private static final int SUBMITTERS = 8;
  private static final int MAX_CONTAINERS = 4;
  private static final String PASSWORD = "correct-horse-battery";
  // One write(2) with O_APPEND per call, after the work, so concurrent containers' lines never interleave.
  private static final String MAIN = String.join("\n",
    "import os, time",
    "",
    "def append(n):",
    "    time.sleep(0.1)",
    "    fd = os.open('/wharf-test/calls.log', os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)",
    "    try:",
    "        os.write(fd, (n + '\\n').encode())",
    "    finally:",
    "        os.close(fd)",
    "    return n",
    "");

  private Path mount;
  private WharfProcess wharf;
  /** The function containers alive at each kill. */
  private final List<String> killedRunContainers = new ArrayList<>();
  private String key;

  @BeforeAll
  void start() throws Exception {
    mount = Files.createTempDirectory("wharf-async-it");
    // Function containers run as nobody.
    Files.setPosixFilePermissions(mount, PosixFilePermissions.fromString("rwxrwxrwx"));
    wharf = new WharfProcess("async", Map.of(
      "WHARF_FUNCTIONS_TEST_WRITABLE_MOUNT", mount.toString(),
      "WHARF_FUNCTIONS_CALLS_PER_SECOND_PER_KEY", "0",
      "WHARF_FUNCTIONS_ASYNC_LEASE_SECONDS", "3",
      "WHARF_FUNCTIONS_ASYNC_POLL_INTERVAL_MS", "100",
      "WHARF_FUNCTIONS_ASYNC_BACKOFF_INITIAL_MS", "200",
      "WHARF_FUNCTIONS_ASYNC_BACKOFF_MAX_MS", "1000",
      "WHARF_FUNCTIONS_ASYNC_MAX_ATTEMPTS", "10",
      "WHARF_FUNCTIONS_ASYNC_MAX_RUNNING", "8")).start();
    HubClient admin = new HubClient(wharf.base());
    assertEquals(302, admin.login("admin", WharfProcess.ADMIN_PASSWORD).statusCode());
    assertEquals(201, admin.postJson("/hub/api/users/alice", new JsonObject().put("password", PASSWORD)).statusCode());
    HubClient alice = new HubClient(wharf.base());
    assertEquals(302, alice.login("alice", PASSWORD).statusCode());
    assertTrue(alice.awaitProgress("alice").getBoolean("ready", false));
    for (String dir : List.of("functions", "functions/jobs")) {
      assertEquals(201, put(alice, "/user/alice/api/contents/" + dir, new JsonObject().put("type", "directory")).statusCode());
    }
    assertEquals(201, put(alice, "/user/alice/api/contents/functions/jobs/main.py",
      new JsonObject().put("type", "file").put("format", "text").put("content", MAIN)).statusCode());
    HttpResponse<String> published = alice.postJson("/hub/api/users/alice/functions/jobs", new JsonObject()
      .put("path", "functions/jobs").put("timeout_seconds", 10).put("max_containers", MAX_CONTAINERS));
    assertEquals(201, published.statusCode(), published.body());
    HttpResponse<String> created = alice.postJson("/hub/api/users/alice/functions/jobs/keys", new JsonObject().put("note", "it"));
    assertEquals(201, created.statusCode(), created.body());
    key = new JsonObject(created.body()).getString("key");
  }

  @AfterAll
  void stop() throws Exception {
    if (wharf != null) {
      wharf.close();
      assertEquals(List.of(), Docker.containersOf(wharf.instanceId), "every container of the test is removed");
      delete(wharf.dataDir);
    }
    if (mount != null) {
      delete(mount);
    }
  }

  private static HttpResponse<String> put(HubClient client, String path, JsonObject body) throws Exception {
    return client.send(client.request(path).header("Content-Type", "application/json")
      .PUT(HttpRequest.BodyPublishers.ofString(body.encode())).build());
  }

  private HttpResponse<String> call(HubClient client, String method, String path, String idempotencyKey) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(wharf.base() + path)).timeout(Duration.ofSeconds(10))
      .method(method, method.equals("POST") ? HttpRequest.BodyPublishers.ofString("{}") : HttpRequest.BodyPublishers.noBody())
      .header("Content-Type", "application/json").header("Authorization", "Bearer " + key);
    if (idempotencyKey != null) {
      request.header("Idempotency-Key", idempotencyKey);
    }
    return client.http().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Submits call {@code n} (Idempotency-Key {@code call-n}) until it is acknowledged; gives its Location. */
  private String submit(HubClient client, int n) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        HttpResponse<String> response = call(client, "POST", "/fn/alice/jobs/append/" + n + "?async=1", "call-" + n);
        if (response.statusCode() == 202) {
          return response.headers().firstValue("Location").orElseThrow();
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError("call " + n + ": " + response.statusCode() + " " + response.body());
        }
      } catch (IOException unanswered) {
        if (System.nanoTime() > deadline) {
          throw unanswered;
        }
      }
      Thread.sleep(100);
    }
  }

  private Map<Integer, String> submitAll(HubClient client) throws Exception {
    Map<Integer, String> locations = new ConcurrentHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(SUBMITTERS);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < CALLS; i++) {
        int n = i;
        done.add(pool.submit(() -> locations.put(n, submit(client, n))));
      }
      for (Future<?> f : done) {
        f.get(90, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    return new TreeMap<>(locations);
  }

  /** Lines in the shared file, by call number. */
  private Map<Integer, Integer> linesPerCall() throws IOException {
    Path log = mount.resolve("calls.log");
    if (!Files.exists(log)) {
      return Map.of();
    }
    return Files.readAllLines(log).stream().filter(s -> !s.isBlank())
      .collect(Collectors.toMap(Integer::parseInt, s -> 1, Integer::sum, TreeMap::new));
  }

  private void killWhenLinesReach(int lines) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (linesPerCall().values().stream().mapToInt(Integer::intValue).sum() < lines && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    wharf.kill();
    List<String> functionContainers = functionContainers();
    killedRunContainers.addAll(functionContainers);
    int atKill = linesPerCall().values().stream().mapToInt(Integer::intValue).sum();
    long restart = System.nanoTime();
    wharf.start();
    System.out.printf("AsyncCallsIT: killed with %d lines written and %d function containers; restarted in %d ms%n", atKill,
      functionContainers.size(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restart));
    assertTrue(atKill < CALLS, "killed while calls were still running");
  }

  private List<String> functionContainers() {
    String out = Docker.run("docker", "ps", "-aq", "--no-trunc", "--filter", "label=wharf.instance=" + wharf.instanceId,
      "--filter", "label=wharf.kind=function");
    return java.util.Arrays.stream(out.split("\\s+")).filter(s -> !s.isBlank()).toList();
  }

  @Test
  void everyAcceptedCallSucceedsThoughWharfIsKilledTwiceWhileTheyRun() throws Exception {
    long begin = System.nanoTime();
    HubClient client = new HubClient(wharf.base());
    Map<Integer, String> locations = submitAll(client);
    assertEquals(CALLS, locations.values().stream().distinct().count(), "one call per Idempotency-Key");
    killWhenLinesReach(CALLS / 5);
    // Every acknowledged call is still known, and submitting again with the same key gives the same call.
    client = new HubClient(wharf.base());
    assertEquals(locations, submitAll(client), "after a kill -9, each Idempotency-Key still names its call");
    killWhenLinesReach(CALLS / 2);
    client = new HubClient(wharf.base());

    Map<Integer, JsonObject> ended = new TreeMap<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (ended.size() < CALLS && System.nanoTime() < deadline) {
      for (Map.Entry<Integer, String> entry : locations.entrySet()) {
        if (!ended.containsKey(entry.getKey())) {
          HttpResponse<String> read = call(client, "GET", entry.getValue(), null);
          assertEquals(200, read.statusCode(), read.body());
          JsonObject state = new JsonObject(read.body());
          if (!List.of("queued", "running").contains(state.getString("state"))) {
            ended.put(entry.getKey(), state);
          }
        }
      }
      Thread.sleep(200);
    }
    assertEquals(CALLS, ended.size(), "every call ended within 90 s");
    Map<Integer, Integer> lines = linesPerCall();
    List<String> problems = new ArrayList<>();
    int retried = 0;
    for (Map.Entry<Integer, JsonObject> entry : ended.entrySet()) {
      JsonObject call = entry.getValue();
      int ran = lines.getOrDefault(entry.getKey(), 0);
      retried += call.getInteger("attempts") > 1 ? 1 : 0;
      if (!"succeeded".equals(call.getString("state")) || !String.valueOf(entry.getKey()).equals(call.getValue("result"))) {
        problems.add(entry.getKey() + ": " + call.encode());
      } else if (ran != 1) {
        problems.add(entry.getKey() + " ran " + ran + " times: " + call.encode());
      }
    }
    // Each restarted run logs a call it asks again of the killed run's container it was sent to.
    long askedAgain;
    try (var logLines = Files.lines(wharf.dataDir.resolve("wharf.log"))) {
      askedAgain = logLines.filter(line -> line.contains("taken over: asking container")).count();
    }
    System.out.printf("AsyncCallsIT: %d calls succeeded; %d needed more than one attempt; %d asked again of the killed run's"
        + " container; %d lines; %d s%n", ended.size() - problems.size(), retried, askedAgain,
      lines.values().stream().mapToInt(Integer::intValue).sum(), TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - begin));
    assertEquals(List.of(), problems, "every call succeeded, and its function ran exactly once");
    assertTrue(askedAgain > 0, "calls running at a kill were asked again of their container");
    assertEquals(lines.keySet(), ended.keySet(), "no line of a call that was not submitted");
    // The killed runs' containers go once no call needs them (checked every second).
    long removal = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    List<String> kept = new ArrayList<>(killedRunContainers);
    while (System.nanoTime() < removal) {
      kept = new ArrayList<>(killedRunContainers);
      kept.retainAll(functionContainers());
      if (kept.isEmpty()) {
        break;
      }
      Thread.sleep(200);
    }
    assertEquals(List.of(), kept, "the killed runs' function containers are removed once their calls ended");
  }

  private static void delete(Path dir) throws IOException {
    try (var files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
