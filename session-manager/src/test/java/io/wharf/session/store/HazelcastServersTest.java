package io.wharf.session.store;

import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.wharf.session.ServerRecord;
import io.wharf.session.SharedState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Hazelcast adapter of server records against a real (embedded, single-member) Hazelcast:
 * what only Hazelcast can show, that lookups go through the indexes, that compare-and-set
 * compares whole records, and that the named-server index follows the map.
 */
class HazelcastServersTest {

  private static Vertx vertx;
  private static HazelcastInstance hazelcast;
  private static SharedState state;

  @BeforeAll
  static void start() {
    hazelcast = EmbeddedHazelcast.start("store-test");
    vertx = Vertx.vertx();
    state = HazelcastMaps.sharedState(vertx, hazelcast);
  }

  @AfterAll
  static void stop() throws Exception {
    await(vertx.close());
    hazelcast.shutdown();
  }

  @BeforeEach
  void empty() {
    hazelcast.getMap(HazelcastMaps.SERVERS).clear();
  }

  @Test
  void looksServersUpThroughTheIndexes() throws Exception {
    for (int i = 0; i < 50; i++) {
      await(state.servers().put(running("user" + i, "here")));
    }
    await(state.servers().put(ServerRecord.pending("frank", "", "here", "t", System.currentTimeMillis(), "")));
    Map<String, Long> before = indexQueries();
    assertEquals(List.of("frank"), await(state.servers().serversIn(ServerRecord.State.PENDING)).stream()
      .map(ServerRecord::user).toList());
    assertEquals(50, await(state.servers().serversOn("here")).stream().filter(ServerRecord::running).count());
    assertEquals(1, await(state.servers().serversOf("user7")).size());
    assertEquals(51, await(state.servers().countOn("here")));
    Map<String, Long> after = indexQueries();
    for (String attribute : List.of("state", "instance", "user")) {
      String index = after.keySet().stream().filter(name -> name.endsWith("_" + attribute)).findFirst().orElseThrow();
      assertTrue(after.get(index) > before.getOrDefault(index, 0L), "the lookup by " + attribute + " used its index");
    }
  }

  @Test
  void replacesOnlyTheRecordItWasShown() throws Exception {
    ServerRecord pending = ServerRecord.pending("gina", "", "here", "t", 1, "");
    assertNull(await(state.servers().putIfAbsent(pending)));
    assertEquals(pending, await(state.servers().putIfAbsent(pending.failed("other"))), "the key is taken");
    ServerRecord ready = pending.ready("c", "127.0.0.1", 9, 2);
    assertFalse(await(state.servers().replace(pending.failed("stale"), ready)));
    assertTrue(await(state.servers().replace(pending, ready)));
    assertEquals(ready, await(state.servers().get(pending.key())));
  }

  @Test
  void knowsNamedServersLocally() throws Exception {
    await(state.servers().put(ServerRecord.pending("hugo", "lab", "here", "t", 1, "")));
    await(state.servers().put(ServerRecord.pending("hugo", "", "here", "t", 1, "")));
    // The index follows the map through its (asynchronous) entry listener.
    assertTrue(eventually(() -> state.routes().hasNamedServer("hugo", "lab")), "the index follows additions");
    assertFalse(state.routes().hasNamedServer("hugo", "other"));
    assertFalse(state.routes().hasNamedServer("hugo", ""), "a default server is not a named one");
    await(state.servers().remove(ServerRecord.key("hugo", "lab")));
    assertTrue(eventually(() -> !state.routes().hasNamedServer("hugo", "lab")), "the index follows removals");
  }

  private static boolean eventually(java.util.function.BooleanSupplier check) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!check.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(10);
    }
    return true;
  }

  /** Queries answered by each index of the server map so far. */
  private static Map<String, Long> indexQueries() {
    Map<String, Long> counts = new HashMap<>();
    hazelcast.getMap(HazelcastMaps.SERVERS).getLocalMapStats().getIndexStats()
      .forEach((name, stats) -> counts.put(name, stats.getQueryCount()));
    return counts;
  }

  private static ServerRecord running(String user, String instance) {
    long now = System.currentTimeMillis();
    return ServerRecord.pending(user, "", instance, "token", now, "").ready("c-" + user, "127.0.0.1", 1, now);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void everyWriteAndEveryChangeHeardFromTheMapMovesTheGeneration() throws Exception {
    long before = state.routes().generation();
    await(state.servers().put(running("gina", "here")));
    long written = state.routes().generation();
    assertTrue(written != before, "moved once the write completed");
    await(state.servers().remove(ServerRecord.key("gina", "")));
    long removed = state.routes().generation();
    assertTrue(removed != written);
    // As another member's write: straight into the map, heard through its events.
    hazelcast.<String, ServerRecord>getMap(HazelcastMaps.SERVERS).set(ServerRecord.key("hugo", ""), running("hugo", "there"));
    long deadline = System.currentTimeMillis() + 5_000;
    while (state.routes().generation() == removed && System.currentTimeMillis() < deadline) {
      Thread.sleep(10);
    }
    assertTrue(state.routes().generation() != removed, "moved by the map's event");
  }
}
