package io.wharf.server.it;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A function republished while 8 callers call it without pause, on the real engine: no call
 * fails, every answer comes from the old or the new version, the answers switch to the new version
 * soon after the republish, and the old version's containers are drained and removed. Prints the
 * numbers with a "functions-republish:" prefix.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FunctionsRepublishIT {

  private static final String PASSWORD = "correct-horse-battery";
  private static final int CALLERS = 8;
  /** How long after the republish answered every call may still get the old version. */
  private static final Duration SWITCH_WITHIN = Duration.ofSeconds(8);
  /** How long calls go on after that, all of which must get the new version. */
  private static final Duration THEN_CALL = Duration.ofSeconds(2);

  private WharfProcess wharf;
  private HubClient alice;

  /** One call: when it was sent and answered (nanoTime), its status and the result it carried. */
  private record Call(long sent, long answered, int status, String result) {
  }

  @BeforeAll
  void start() throws Exception {
    long started = System.nanoTime();
    // No key rate here: the callers call as fast as the function answers.
    wharf = new WharfProcess("republish", Map.of("WHARF_FUNCTIONS_CALLS_PER_SECOND_PER_KEY", "0",
      "WHARF_FUNCTIONS_SCALE_DOWN_WINDOW_SECONDS", "1")).start();
    HubClient admin = new HubClient(wharf.base());
    assertEquals(302, admin.login("admin", WharfProcess.ADMIN_PASSWORD).statusCode());
    assertEquals(201, admin.postJson("/hub/api/users/alice", new JsonObject().put("password", PASSWORD)).statusCode());
    alice = new HubClient(wharf.base());
    assertEquals(302, alice.login("alice", PASSWORD).statusCode());
    assertTrue(alice.awaitProgress("alice").getBoolean("ready", false));
    System.out.println("functions-republish: Wharf and alice's server ready in " + (System.nanoTime() - started) / 1_000_000 + " ms");
  }

  @AfterAll
  void stop() throws Exception {
    if (wharf != null) {
      long stopping = System.nanoTime();
      wharf.close();
      System.out.println("functions-republish: Wharf stopped and its containers removed in " + (System.nanoTime() - stopping) / 1_000_000
        + " ms");
      assertEquals(List.of(), Docker.containersOf(wharf.instanceId), "no container of the test is left");
    }
  }

  @Test
  void republishingUnderCallsFailsNoneAndSwitchesToTheNewVersion() throws Exception {
    assertEquals(201, put("/user/alice/api/contents/functions", new JsonObject().put("type", "directory")).statusCode());
    assertEquals(201, put("/user/alice/api/contents/functions/svc", new JsonObject().put("type", "directory")).statusCode());
    writeMain("v1");
    String v1 = publish(201);
    HttpResponse<String> created = alice.postJson("/hub/api/users/alice/functions/svc/keys", new JsonObject());
    assertEquals(201, created.statusCode(), created.body());
    String key = new JsonObject(created.body()).getString("key");
    assertEquals("v1", new JsonObject(call(key).body()).getString("result"));

    ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
    AtomicBoolean calling = new AtomicBoolean(true);
    ExecutorService pool = Executors.newFixedThreadPool(CALLERS);
    List<Future<?>> callers = new ArrayList<>();
    long republished;
    String v2;
    List<String> v1Containers;
    try {
      for (int c = 0; c < CALLERS; c++) {
        callers.add(pool.submit(() -> {
          while (calling.get()) {
            long sent = System.nanoTime();
            try {
              HttpResponse<String> response = call(key);
              String result = response.statusCode() == 200 ? new JsonObject(response.body()).getString("result") : response.body();
              calls.add(new Call(sent, System.nanoTime(), response.statusCode(), result));
            } catch (Exception e) {
              calls.add(new Call(sent, System.nanoTime(), -1, String.valueOf(e)));
            }
          }
          return null;
        }));
      }
      // The callers have scaled v1 up before it is replaced.
      Thread.sleep(2_000);
      v1Containers = containersOf(v1);
      writeMain("v2");
      v2 = publish(200);
      republished = System.nanoTime();
      Thread.sleep(SWITCH_WITHIN.plus(THEN_CALL).toMillis());
    } finally {
      calling.set(false);
      for (Future<?> caller : callers) {
        caller.get(60, TimeUnit.SECONDS);
      }
      pool.shutdownNow();
    }

    assertFalse(v1.equals(v2), "the changed main.py is a new version");
    assertFalse(v1Containers.isEmpty(), "v1 ran on containers when it was replaced");
    List<Call> failed = calls.stream().filter(c -> c.status() != 200).toList();
    assertEquals(List.of(), failed.stream().limit(5).toList(), failed.size() + " of " + calls.size() + " calls failed");
    assertEquals(List.of(), calls.stream().filter(c -> !c.result().equals("v1") && !c.result().equals("v2")).limit(5).toList(),
      "every answer is one of the two versions");

    long lastV1 = calls.stream().filter(c -> c.result().equals("v1")).mapToLong(Call::answered).max().orElseThrow();
    long firstV2 = calls.stream().filter(c -> c.result().equals("v2")).mapToLong(Call::answered).min().orElseThrow();
    long switchBy = republished + SWITCH_WITHIN.toNanos();
    List<Call> after = calls.stream().filter(c -> c.sent() > switchBy).toList();
    System.out.println("functions-republish: " + calls.size() + " calls by " + CALLERS + " callers, none failed; "
      + calls.stream().filter(c -> c.result().equals("v1")).count() + " answered v1 on " + v1Containers.size() + " containers; "
      + "first v2 answer " + (firstV2 - republished) / 1_000_000 + " ms and last v1 answer " + (lastV1 - republished) / 1_000_000
      + " ms after the republish answered");
    assertTrue(after.size() > CALLERS, "calls went on after the switch: " + after.size());
    assertEquals(List.of(), after.stream().filter(c -> !c.result().equals("v2")).limit(5).toList(),
      "every call sent " + SWITCH_WITHIN.toSeconds() + " s after the republish answered got v2");

    // The old version's containers are drained and removed; the new version's serve.
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!containersOf(v1).isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    assertEquals(List.of(), containersOf(v1), "no container of v1 is left");
    assertFalse(containersOf(v2).isEmpty(), "v2's containers serve");
    assertEquals("v2", new JsonObject(call(key).body()).getString("result"));
  }

  // ---- helpers

  private void writeMain(String version) throws Exception {
    String main = String.join("\n",
      "import time",
      "",
      "def version():",
      "    time.sleep(0.02)",
      "    return '" + version + "'",
      "");
    HttpResponse<String> file = put("/user/alice/api/contents/functions/svc/main.py",
      new JsonObject().put("type", "file").put("format", "text").put("content", main));
    assertTrue(file.statusCode() == 200 || file.statusCode() == 201, file.statusCode() + " " + file.body());
  }

  /** Publishes (or republishes) functions/svc; its version. */
  private String publish(int expected) throws Exception {
    HttpResponse<String> published = alice.postJson("/hub/api/users/alice/functions/svc", new JsonObject()
      .put("path", "functions/svc").put("max_containers", 4).put("timeout_seconds", 30));
    assertEquals(expected, published.statusCode(), published.body());
    return new JsonObject(published.body()).getString("version");
  }

  private HttpResponse<String> put(String path, JsonObject body) throws Exception {
    return alice.send(alice.request(path).header("Content-Type", "application/json")
      .PUT(HttpRequest.BodyPublishers.ofString(body.encode())).build());
  }

  private HttpResponse<String> call(String key) throws Exception {
    return alice.http().send(HttpRequest.newBuilder(URI.create(wharf.base() + "/fn/alice/svc/version"))
      .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + key).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  /** This instance's containers (any state) of one version of the function. */
  private List<String> containersOf(String version) {
    String out = Docker.run("docker", "ps", "-aq", "--no-trunc", "--filter", "label=wharf.instance=" + wharf.instanceId,
      "--filter", "label=wharf.kind=function", "--filter", "label=wharf.version=" + version);
    return Arrays.stream(out.split("\\s+")).filter(s -> !s.isBlank()).toList();
  }
}
