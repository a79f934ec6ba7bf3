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

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static io.wharf.server.it.WharfCluster.await;
import static io.wharf.server.it.WharfCluster.running;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three Wharf processes on 127.0.0.1, 127.0.0.2 and 127.0.0.3, one Hazelcast cluster, one Docker
 * engine, and nginx in front as a round-robin load balancer with no stickiness. Users only ever
 * talk to nginx (the per-instance addresses are used to check that each router works alone).
 * The steps run in order and share the cluster; the measured numbers are printed with a
 * "cluster:" prefix.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {

  private static final String PASSWORD = "correct-horse-battery";
  private static final List<String> ADDRESSES = List.of("127.0.0.1", "127.0.0.2", "127.0.0.3");
  /** Concurrent request loops during a kill: at most this many requests can be in flight on the victim. */
  private static final int LOOPS = 4;

  private WharfCluster cluster;
  private HubClient alice;
  private HubClient bob;
  private String aliceKernel;

  @RegisterExtension
  final WharfCluster.FailureWatch watch = new WharfCluster.FailureWatch();

  @BeforeAll
  void startCluster() throws Exception {
    cluster = new WharfCluster(ADDRESSES);
    watch.cluster = cluster;
    try {
      cluster.start();
      for (String user : List.of("alice", "bob", "carol")) {
        HttpResponse<String> created = cluster.admin.postJson("/hub/api/users/" + user, new JsonObject().put("password", PASSWORD));
        assertEquals(201, created.statusCode(), created.body());
      }
      // Logging in started the admin's own server: it stays, as load on one instance.
      assertReady(cluster.admin.awaitProgress("admin"));
    } catch (Throwable e) {
      watch.failed(e);
      throw e;
    }
  }

  @Test
  @Order(1)
  void anyInstanceServesTheNotebook() throws Exception {
    alice = new HubClient(cluster.balancer.base());
    HttpResponse<String> login = alice.login("alice", PASSWORD);
    assertEquals(302, login.statusCode());
    assertEquals("/hub/spawn-pending/alice", login.headers().firstValue("location").orElseThrow());
    assertReady(alice.awaitProgress("alice"));

    Set<String> servedBy = new HashSet<>();
    for (int i = 0; i < 9; i++) {
      HttpResponse<String> contents = alice.get("/user/alice/api/contents");
      assertEquals(200, contents.statusCode(), contents.body());
      servedBy.add(contents.headers().firstValue("X-Wharf-Instance").orElseThrow());
    }
    HttpResponse<String> tree = alice.navigate("/user/alice/tree");
    assertEquals(200, tree.statusCode());
    servedBy.add(tree.headers().firstValue("X-Wharf-Instance").orElseThrow());
    assertEquals(cluster.ids(), servedBy, "round robin reached every instance, and each served alice's notebook");

    HttpResponse<String> created = alice.postJson("/user/alice/api/kernels", new JsonObject().put("name", "python3"));
    assertEquals(201, created.statusCode(), created.body());
    aliceKernel = new JsonObject(created.body()).getString("id");
    assertEquals("2", NotebookKernel.execute(alice, "alice", aliceKernel, "1+1", cluster.balancer.base()));
    // Each router on its own tunnels the kernel's WebSocket to the container, wherever it runs.
    for (WharfProcess wharf : cluster.instances) {
      assertEquals("2", NotebookKernel.execute(direct(alice, wharf), "alice", aliceKernel, "1+1", wharf.base()), wharf.instanceId);
    }
  }

  @Test
  @Order(2)
  void newServerGoesToTheLeastLoadedInstance() throws Exception {
    String adminOn = serverOf("admin").getJsonObject("state").getString("instance");
    String aliceOn = serverOf("alice").getJsonObject("state").getString("instance");
    assertNotEquals(adminOn, aliceOn, "alice's server went to an empty instance, not the admin's");

    // Load reports trail by up to two seconds; wait until they count both servers.
    await(Duration.ofSeconds(15), () -> running(cluster.instancesView()).values().stream().mapToInt(Integer::intValue).sum() == 2,
      "load reports count the two servers");
    Map<String, Integer> running = running(cluster.instancesView());
    int least = running.values().stream().mapToInt(Integer::intValue).min().orElseThrow();
    Set<String> leastLoaded = running.entrySet().stream().filter(e -> e.getValue() == least).map(Map.Entry::getKey)
      .collect(Collectors.toSet());
    assertEquals(1, leastLoaded.size(), running.toString());

    bob = new HubClient(cluster.balancer.base());
    assertEquals(302, bob.login("bob", PASSWORD).statusCode());
    // While the server starts, every router looks its route up and keeps the answer in its
    // near-cache; once it is ready, each must learn so at once, not when the cache expires.
    for (WharfProcess wharf : cluster.instances) {
      direct(bob, wharf).get("/user/bob/api/status");
    }
    assertReady(bob.awaitProgress("bob"));
    for (WharfProcess wharf : cluster.instances) {
      await(Duration.ofSeconds(2), () -> status(direct(bob, wharf), "/user/bob/api/status") == 200,
        wharf.instanceId + " routes to bob's ready server");
    }
    String bobOn = serverOf("bob").getJsonObject("state").getString("instance");
    assertEquals(leastLoaded.iterator().next(), bobOn, "bob's server went to the least-loaded instance " + running);
    assertEquals(200, bob.get("/user/bob/api/status").statusCode());
  }

  @Test
  @Order(3)
  void killingAnInstanceFailsOnlyItsInFlightRequests() throws Exception {
    cluster.awaitSafe();
    String leader = cluster.leader();
    // The victim runs a server, so its notebook must stay reachable through the other routers.
    WharfProcess victim = cluster.byId(List.of("alice", "bob").stream()
      .map(u -> serverOf(u).getJsonObject("state").getString("instance"))
      .filter(id -> !id.equals(leader)).findFirst().orElseThrow());
    Map<String, String> containersBefore = containers();
    List<String> victimContainers = Docker.containersOf(victim.instanceId);

    RequestLoops.Result result;
    try (RequestLoops loops = loops("alice", "bob", "alice", "bob")) {
      Thread.sleep(2_000);
      victim.kill();
      long killedAt = System.nanoTime();
      Thread.sleep(8_000);
      result = loops.stop(killedAt);
    }
    System.out.println("cluster: kill -9 of non-leader " + victim.instanceId + ": " + result);
    assertEquals(0, result.failedAfterKill(), "requests sent after the kill all succeed: " + result);
    assertTrue(result.failed() <= LOOPS, "at most the requests in flight on the victim fail: " + result);
    assertTrue(result.okAfterKill() > 20, result.toString());

    assertEquals(victimContainers, Docker.containersOf(victim.instanceId), "the victim's containers keep running");
    assertEquals(containersBefore, containers(), "every server keeps its container");
    assertEquals("2", NotebookKernel.execute(alice, "alice", aliceKernel, "1+1", cluster.balancer.base()));

    victim.start();
    cluster.awaitCluster(3);
    assertEquals(containersBefore, containers(), "the restarted instance re-adopted its containers");
    assertEquals(victimContainers, Docker.containersOf(victim.instanceId));
    assertEquals(200, alice.get("/user/alice/api/status").statusCode());
    assertEquals(200, bob.get("/user/bob/api/status").statusCode());
  }

  @Test
  @Order(4)
  void leaderFailsOverWithinTenSeconds() throws Exception {
    cluster.awaitSafe();
    WharfProcess oldLeader = cluster.byId(cluster.leader());
    Map<String, String> containersBefore = containers();

    RequestLoops.Result result;
    long failoverMillis;
    try (RequestLoops loops = loops("alice", "bob", "alice", "bob")) {
      Thread.sleep(2_000);
      oldLeader.kill();
      long killedAt = System.nanoTime();
      String newLeader = null;
      while (newLeader == null || newLeader.equals(oldLeader.instanceId)) {
        assertTrue(System.nanoTime() - killedAt < Duration.ofSeconds(30).toNanos(), "no new leader within 30 s");
        try {
          newLeader = cluster.leader();
        } catch (Exception | AssertionError unanswered) {
          Thread.sleep(100);
        }
      }
      failoverMillis = (System.nanoTime() - killedAt) / 1_000_000;
      Thread.sleep(Math.max(0, 8_000 - failoverMillis));
      result = loops.stop(killedAt);
      System.out.println("cluster: leader failover after kill -9 of " + oldLeader.instanceId + ": " + failoverMillis
        + " ms (new leader " + newLeader + ")");
    }
    System.out.println("cluster: kill -9 of leader " + oldLeader.instanceId + ": " + result);
    assertTrue(failoverMillis < 10_000, "a new leader within 10 s, took " + failoverMillis + " ms");
    assertEquals(0, result.failedAfterKill(), result.toString());
    assertTrue(result.failed() <= LOOPS, result.toString());
    assertEquals(containersBefore, containers(), "every server keeps its container");

    String newLeader = cluster.leader();
    oldLeader.start();
    cluster.awaitCluster(3);
    assertEquals(newLeader, cluster.leader(), "a returning instance does not take the leadership back");
    assertEquals(containersBefore, containers());
  }

  @Test
  @Order(5)
  void drainedInstanceTakesNoNewServersAndKeepsItsOwn() throws Exception {
    String adminOn = serverOf("admin").getJsonObject("state").getString("instance");
    String aliceOn = serverOf("alice").getJsonObject("state").getString("instance");
    String bobOn = serverOf("bob").getJsonObject("state").getString("instance");
    // The admin's instance becomes the emptiest: without draining, the next server would go there.
    assertEquals(204, cluster.admin.delete("/hub/api/users/admin/server").statusCode());
    await(Duration.ofSeconds(15), () -> running(cluster.instancesView()).get(adminOn) == 0, "the admin's instance reports no server");

    for (String id : List.of(adminOn, aliceOn)) {
      HttpResponse<String> drained = cluster.admin.send(cluster.admin.request("/hub/api/instances/" + id + "/drain")
        .POST(HttpRequest.BodyPublishers.noBody()).build());
      assertEquals(200, drained.statusCode(), drained.body());
      assertEquals("draining", new JsonObject(drained.body()).getString("state"));
    }
    HubClient carol = new HubClient(cluster.balancer.base());
    assertEquals(302, carol.login("carol", PASSWORD).statusCode());
    assertReady(carol.awaitProgress("carol"));
    assertEquals(bobOn, serverOf("carol").getJsonObject("state").getString("instance"),
      "the only accepting instance took carol's server, though a draining one was emptier");

    for (int i = 0; i < 6; i++) {
      assertEquals(200, alice.get("/user/alice/api/status").statusCode(), "the draining instance's server keeps working");
    }
    assertEquals("2", NotebookKernel.execute(alice, "alice", aliceKernel, "1+1", cluster.balancer.base()));

    for (String id : List.of(adminOn, aliceOn)) {
      HttpResponse<String> resumed = cluster.admin.delete("/hub/api/instances/" + id + "/drain");
      assertEquals(200, resumed.statusCode(), resumed.body());
      assertEquals("accepting", new JsonObject(resumed.body()).getString("state"));
    }
    assertEquals(204, carol.delete("/hub/api/users/carol/server").statusCode());
  }

  @Test
  @Order(6)
  void rollingRestartKeepsTheNotebookReachable() throws Exception {
    Map<String, String> containersBefore = containers();
    String cookie = alice.cookie("wharf-session");
    RequestLoops.Result result;
    try (RequestLoops loops = loops("alice", "alice")) {
      for (WharfProcess wharf : cluster.instances) {
        cluster.awaitSafe();
        wharf.restart();
        cluster.awaitCluster(3);
      }
      result = loops.stop();
    }
    System.out.println("cluster: rolling restart of 3 instances: " + result);
    assertEquals(0, result.failed(), "alice's notebook answered throughout: " + result);
    assertEquals(cookie, alice.cookie("wharf-session"), "the same cookie throughout");
    assertEquals(containersBefore, containers());
    HttpResponse<String> kernels = alice.get("/user/alice/api/kernels");
    assertTrue(new JsonArray(kernels.body()).stream().anyMatch(k -> aliceKernel.equals(((JsonObject) k).getString("id"))),
      "the kernel started before the restarts is still there");
    assertEquals("2", NotebookKernel.execute(alice, "alice", aliceKernel, "1+1", cluster.balancer.base()));
  }

  @AfterAll
  void stopCluster() throws Exception {
    if (cluster != null) {
      // The instances' logs and data matter only when a step failed.
      cluster.stop(watch.failed);
    }
  }

  // ---- helpers

  /** A client for one instance's router alone, carrying {@code user}'s cookie. */
  private static HubClient direct(HubClient user, WharfProcess wharf) {
    HubClient client = new HubClient(wharf.base());
    client.setCookie("wharf-session", user.cookie("wharf-session"));
    return client;
  }

  /** One request loop per client, through the load balancer, each on its own user's notebook. */
  private RequestLoops loops(String... users) {
    Map<String, HubClient> clients = Map.of("alice", alice, "bob", bob);
    return RequestLoops.start(List.of(users).stream()
      .map(user -> new RequestLoops.Target(cluster.balancer.base(), user, clients.get(user).cookie("wharf-session"))).toList());
  }

  private static int status(HubClient client, String path) {
    try {
      return client.get(path).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  private JsonObject serverOf(String user) {
    return cluster.serverOf(user);
  }

  /** Container id of each running server, by user. */
  private Map<String, String> containers() {
    return List.of("admin", "alice", "bob").stream()
      .filter(u -> serverOf(u) != null)
      .collect(Collectors.toMap(u -> u, u -> serverOf(u).getJsonObject("state").getString("container")));
  }

  private static void assertReady(JsonObject progress) {
    assertTrue(progress != null && progress.getBoolean("ready", false), String.valueOf(progress));
  }
}
