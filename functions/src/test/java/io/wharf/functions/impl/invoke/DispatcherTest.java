package io.wharf.functions.impl.invoke;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wharf.functions.Invocation;
import io.wharf.functions.impl.FunctionMetrics;
import io.wharf.functions.impl.registry.FunctionRecord;
import io.wharf.functions.impl.registry.InMemoryFunctionStore;
import io.wharf.functions.impl.scaling.FakeBackends;
import io.wharf.functions.impl.scaling.Pools;
import io.wharf.functions.impl.scaling.ScalingPolicy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dispatcher and the pools' scaling against stub runtimes that start in 50 ms: no Docker. */
class DispatcherTest {

  private final Vertx vertx = Vertx.vertx();
  private final InMemoryFunctionStore registry = new InMemoryFunctionStore();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private FakeBackends backends;
  private Pools pools;
  private Dispatcher dispatcher;

  @AfterEach
  void close() {
    pools.close();
    vertx.close().await();
  }

  private void setUp(Duration window, Duration idle, int queue, long startMillis) {
    backends = new FakeBackends(vertx, startMillis);
    pools = new Pools(vertx, backends, new ScalingPolicy(window, idle, queue), new FunctionMetrics(meters), System::nanoTime, 50);
    dispatcher = new Dispatcher(registry, pools, new RuntimeClient(vertx), new FunctionMetrics(meters));
  }

  private static FunctionRecord function(String version, int concurrency, int max) {
    return new FunctionRecord("alice", "acct-1", "stats", "functions/stats", false, 5, max, 0, concurrency, version, 0, 0);
  }

  private Invocation.Result call(String command, JsonObject kwargs, Duration timeout) throws Exception {
    return dispatcher.invoke("alice", "stats", command, new JsonObject().put("args", new JsonArray()).put("kwargs", kwargs), timeout)
      .await(10, TimeUnit.SECONDS);
  }

  private static void await(BooleanSupplier condition, long millis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + millis;
    while (!condition.getAsBoolean()) {
      assertTrue(System.currentTimeMillis() < deadline, "condition not met within " + millis + " ms");
      Thread.sleep(10);
    }
  }

  @Test
  void threeRampsToSixteenCallersAndBackToZeroFailNoCall() throws Exception {
    setUp(Duration.ofMillis(200), Duration.ofMillis(300), 100, 50);
    registry.put(function("v1", 1, 4));
    for (int ramp = 0; ramp < 3; ramp++) {
      List<Future<Invocation.Result>> calls = new ArrayList<>();
      for (int caller = 0; caller < 16; caller++) {
        Future<Invocation.Result> chain = Future.succeededFuture();
        for (int i = 0; i < 4; i++) {
          chain = chain.compose(r -> r != null && r.status() != 200 ? Future.succeededFuture(r)
            : dispatcher.invoke("alice", "stats", "sleep", new JsonObject().put("kwargs", new JsonObject().put("ms", 20)),
              Duration.ofSeconds(5)));
        }
        calls.add(chain);
      }
      for (Future<Invocation.Result> call : calls) {
        Invocation.Result result = call.await(20, TimeUnit.SECONDS);
        assertEquals(200, result.status(), result.body().toString());
      }
      assertTrue(backends.alive() >= 2, "scaled up: " + backends.alive());
      await(() -> backends.alive() == 0, 3_000);
    }
    assertEquals(4, backends.maxAlive.get(), "clamped to max_containers");
    assertEquals(0, backends.stoppedWhileBusy.get(), "no container stopped with calls in flight");
    assertEquals(1, backends.maxPerContainer.get(), "one call at a time per container");
    assertEquals(192.0, meters.get("wharf_function_invocations").tags("outcome", "ok").counter().count());
    assertEquals(3.0, meters.get("wharf_function_cold_starts").counter().count());
  }

  @Test
  void scaleDownDrainsAContainerOnlyOnceItsCallsAreDone() throws Exception {
    setUp(Duration.ZERO, Duration.ZERO, 10, 20);
    registry.put(function("v1", 1, 2));
    Future<Invocation.Result> longCall = dispatcher.invoke("alice", "stats", "sleep",
      new JsonObject().put("kwargs", new JsonObject().put("ms", 800)), Duration.ofSeconds(5));
    Invocation.Result shortCall = call("sleep", new JsonObject().put("ms", 10), Duration.ofSeconds(5));
    assertEquals(200, shortCall.status());
    // Demand fell to the one long call: one container goes, the long call's stays.
    await(() -> backends.stopped.get() == 1, 2_000);
    assertEquals(200, longCall.await(5, TimeUnit.SECONDS).status());
    await(() -> backends.alive() == 0, 2_000);
    assertEquals(0, backends.stoppedWhileBusy.get());
  }

  @Test
  void aFullQueueAnswers503WithRetryAfter() throws Exception {
    setUp(Duration.ofSeconds(5), Duration.ofSeconds(5), 2, 300);
    registry.put(function("v1", 1, 1));
    List<Future<Invocation.Result>> calls = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      calls.add(dispatcher.invoke("alice", "stats", "sleep", new JsonObject().put("kwargs", new JsonObject().put("ms", 10)),
        Duration.ofSeconds(5)));
    }
    List<Integer> statuses = new ArrayList<>();
    for (Future<Invocation.Result> c : calls) {
      statuses.add(c.await(10, TimeUnit.SECONDS).status());
    }
    statuses.sort(Integer::compare);
    assertEquals(List.of(200, 200, 503, 503), statuses);
    Invocation.Result refused = calls.stream().map(c -> c.result()).filter(r -> r.status() == 503).findFirst().orElseThrow();
    assertEquals(1L, refused.body().toJsonObject().getLong("retry_after"));
  }

  @Test
  void aCallOverItsTimeoutAnswers504InTimeAndItsContainerIsRecycled() throws Exception {
    setUp(Duration.ofSeconds(5), Duration.ofSeconds(5), 10, 10);
    registry.put(function("v1", 1, 2));
    assertEquals(200, call("sleep", new JsonObject().put("ms", 1), Duration.ofSeconds(5)).status());
    long start = System.nanoTime();
    Invocation.Result result = call("sleep", new JsonObject().put("ms", 2_000), Duration.ofMillis(300));
    long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertEquals(504, result.status());
    assertTrue(took >= 300 && took < 350, "answered after " + took + " ms");
    await(() -> backends.stopped.get() == 1, 1_000);
    // The next call gets a fresh container.
    assertEquals(200, call("sleep", new JsonObject().put("ms", 1), Duration.ofSeconds(5)).status());
    assertEquals(2, backends.started.get());
  }

  @Test
  void aContainerThatDiedGetsNoMoreCallsAndIsReplaced() throws Exception {
    setUp(Duration.ofSeconds(5), Duration.ofSeconds(5), 10, 10);
    registry.put(function("v1", 1, 2));
    assertEquals(200, call("sleep", new JsonObject().put("ms", 1), Duration.ofSeconds(5)).status());
    pools.lost("alice", "stats", "c1");
    await(() -> backends.stopped.get() == 1, 1_000);
    assertEquals(200, call("sleep", new JsonObject().put("ms", 1), Duration.ofSeconds(5)).status());
    assertEquals(2, backends.started.get());
  }

  @Test
  void aFunctionsExceptionIsA500WithItsTypeAndMessageOnly() throws Exception {
    setUp(Duration.ofSeconds(5), Duration.ofSeconds(5), 10, 10);
    registry.put(function("v1", 1, 2));
    Invocation.Result result = call("boom", new JsonObject(), Duration.ofSeconds(5));
    assertEquals(500, result.status());
    assertEquals(new JsonObject().put("type", "ValueError").put("message", "bad input"), result.body().toJsonObject().getJsonObject("error"));
  }

  @Test
  void anUnknownFunctionOrCommandIs404() throws Exception {
    setUp(Duration.ofSeconds(5), Duration.ofSeconds(5), 10, 10);
    registry.put(function("v1", 1, 2));
    assertEquals(404, dispatcher.invoke("alice", "nope", "x", new JsonObject(), Duration.ofSeconds(1)).await().status());
    assertEquals(404, call("missing", new JsonObject(), Duration.ofSeconds(5)).status());
    assertEquals(404, call("../etc", new JsonObject(), Duration.ofSeconds(5)).status());
  }

  @Test
  void aRepublishSwitchesCallsToTheNewVersionWithoutFailingAny() throws Exception {
    setUp(Duration.ofSeconds(5), Duration.ofSeconds(5), 100, 100);
    registry.put(function("v1", 2, 2));
    assertEquals("v1", call("sleep", new JsonObject().put("ms", 1), Duration.ofSeconds(5)).body().toJsonObject().getString("result"));
    List<Future<Invocation.Result>> during = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      during.add(dispatcher.invoke("alice", "stats", "sleep", new JsonObject().put("kwargs", new JsonObject().put("ms", 150)),
        Duration.ofSeconds(5)));
      if (i == 3) {
        registry.put(function("v2", 2, 2));
      }
      Thread.sleep(20);
    }
    for (Future<Invocation.Result> call : during) {
      assertEquals(200, call.await(10, TimeUnit.SECONDS).status());
    }
    assertEquals("v2", call("sleep", new JsonObject().put("ms", 1), Duration.ofSeconds(5)).body().toJsonObject().getString("result"));
    await(() -> backends.stopped.get() >= 1, 2_000);
    assertEquals(0, backends.stoppedWhileBusy.get());
  }
}
