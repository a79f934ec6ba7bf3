package io.wharf.session.impl;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.wharf.session.InstanceInfo;
import io.wharf.session.Session;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The leader's duties against a real (embedded, single-member) Hazelcast and the real store:
 * which sessions it looks at, and that it finds them through the indexes.
 */
class ClusterDutiesTest {

  private static final long PENDING_TIMEOUT = 60_000;

  private static Vertx vertx;
  private static HazelcastInstance hazelcast;
  private static HazelcastStore store;
  private static HttpServer notebook;

  @BeforeAll
  static void start() throws Exception {
    Config config = new Config().setClusterName("duties-test-" + UUID.randomUUID());
    config.setProperty("hazelcast.logging.type", "jdk");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.local.localAddress", "127.0.0.1");
    JoinConfig join = config.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    HazelcastStore.configure(config);
    hazelcast = Hazelcast.newHazelcastInstance(config);
    vertx = Vertx.vertx();
    store = new HazelcastStore(vertx, hazelcast);
    // A notebook that still answers, as the container of a dead instance's server does.
    notebook = await(vertx.createHttpServer().requestHandler(r -> r.response().end("{}")).listen(0, "127.0.0.1"));
    // This member is alive: instance "here" reports with its id. "gone" reports with a member that left.
    await(store.report(new InstanceInfo("here", "127.0.0.1", store.localMember(), 0, 0, 10, 0, true, System.currentTimeMillis())));
    await(store.report(new InstanceInfo("gone", "127.0.0.1", UUID.randomUUID().toString(), 0, 0, 10, 0, true, 0)));
  }

  @AfterAll
  static void stop() throws Exception {
    await(vertx.close());
    hazelcast.shutdown();
  }

  @BeforeEach
  void empty() {
    hazelcast.getMap(HazelcastStore.SESSIONS).clear();
  }

  @Test
  void marksLostTheServersOfAGoneInstanceThatNoLongerAnswer() throws Exception {
    Session silent = running("alice", "gone", closedPort());
    Session answering = running("bob", "gone", notebook.actualPort());
    Session elsewhere = running("carol", "here", closedPort());
    for (Session s : List.of(silent, answering, elsewhere)) {
      await(store.put(s));
    }
    ClusterDuties duties = new ClusterDuties(vertx, store, null, "here", "127.0.0.1", 0, PENDING_TIMEOUT);
    await(duties.leaderTick());

    assertEventually(() -> state("alice") == Session.State.FAILED);
    assertTrue(await(store.get(silent.key())).message().contains("instance gone is gone"));
    assertEquals(Session.State.RUNNING, state("bob"), "its container still answers");
    assertEquals(Session.State.RUNNING, state("carol"), "its instance is alive: not even probed");
  }

  @Test
  void failsLaunchesThatNeverFinished() throws Exception {
    long longAgo = System.currentTimeMillis() - 2 * PENDING_TIMEOUT;
    await(store.put(Session.pending("dave", "", "here", "t", longAgo)));
    await(store.put(Session.pending("erin", "", "here", "t", System.currentTimeMillis())));
    await(new ClusterDuties(vertx, store, null, "here", "127.0.0.1", 0, PENDING_TIMEOUT).leaderTick());

    assertEventually(() -> state("dave") == Session.State.FAILED);
    assertEquals(Session.State.PENDING, state("erin"));
  }

  @Test
  void looksSessionsUpThroughTheIndexes() throws Exception {
    for (int i = 0; i < 50; i++) {
      await(store.put(running("user" + i, "here", closedPort())));
    }
    await(store.put(Session.pending("frank", "", "here", "t", System.currentTimeMillis())));
    Map<String, Long> before = indexQueries();
    assertEquals(List.of("frank"), await(store.sessionsIn(Session.State.PENDING)).stream().map(Session::user).toList());
    assertEquals(50, await(store.sessionsOn("here")).stream().filter(Session::running).count());
    assertEquals(1, await(store.sessionsOf("user7")).size());
    Map<String, Long> after = indexQueries();
    for (String attribute : List.of("state", "instance", "user")) {
      String index = after.keySet().stream().filter(name -> name.endsWith("_" + attribute)).findFirst().orElseThrow();
      assertTrue(after.get(index) > before.getOrDefault(index, 0L), "the lookup by " + attribute + " used its index");
    }
  }

  /** Queries answered by each index of the session map so far. */
  private static Map<String, Long> indexQueries() {
    Map<String, Long> counts = new java.util.HashMap<>();
    hazelcast.getMap(HazelcastStore.SESSIONS).getLocalMapStats().getIndexStats()
      .forEach((name, stats) -> counts.put(name, stats.getQueryCount()));
    return counts;
  }

  private static Session running(String user, String instance, int port) {
    long now = System.currentTimeMillis();
    return Session.pending(user, "", instance, "token", now).ready("c-" + user, "127.0.0.1", port, now);
  }

  private static Session.State state(String user) throws Exception {
    return await(store.get(Session.key(user, ""))).state();
  }

  private static int closedPort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private interface Check {
    boolean holds() throws Exception;
  }

  private static void assertEventually(Check check) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!check.holds()) {
      assertTrue(System.nanoTime() < deadline, "timed out");
      Thread.sleep(50);
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
