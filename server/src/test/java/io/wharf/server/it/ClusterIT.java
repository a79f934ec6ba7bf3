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
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

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

  private final List<WharfProcess> instances = new ArrayList<>();
  private NginxBalancer balancer;
  private HubClient admin;
  private HubClient alice;
  private HubClient bob;
  private String aliceKernel;
  private boolean failed;

  @RegisterExtension
  final TestWatcher logsOnFailure = new TestWatcher() {
    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
      failed = true;
      printLogs();
    }
  };

  @BeforeAll
  void startCluster() throws Exception {
    int clusterPort = WharfProcess.freePort();
    int httpsPort = WharfProcess.freePort();
    String members = ADDRESSES.stream().map(a -> a + ":" + clusterPort).collect(Collectors.joining(","));
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    String cookieSecret = Base64.getEncoder().encodeToString(key);
    String clusterSecret = UUID.randomUUID().toString();
    for (int i = 0; i < ADDRESSES.size(); i++) {
      String address = ADDRESSES.get(i);
      WharfProcess wharf = new WharfProcess("c" + (i + 1), address, httpsPort, Map.of(
        "WHARF_CLUSTER_ADVERTISE_ADDRESS", address,
        "WHARF_CONTAINERS_PUBLISH_HOST", address,
        "WHARF_CLUSTER_PORT", Integer.toString(clusterPort),
        "WHARF_CLUSTER_MEMBERS", members,
        "WHARF_CLUSTER_SECRET", clusterSecret,
        "WHARF_AUTH_COOKIE_SECRET", cookieSecret,
        "WHARF_ROUTER_EVENT_LOOPS", "2"));
      // Users' home volumes carry the instance id, so cleanup finds exactly this test's.
      wharf.with("WHARF_CONTAINERS_HOME_VOLUME", wharf.instanceId + "-home-{user}");
      instances.add(wharf);
    }
    try {
      // The first becomes the oldest member; the other two join it at the same time.
      instances.get(0).start();
      inParallel(instances.subList(1, 3).stream().<Callable<Object>>map(w -> w::start).toList());
      balancer = NginxBalancer.start(instances.stream().map(w -> w.address + ":" + w.httpsPort).toList());

      admin = new HubClient(balancer.base());
      assertEquals(302, admin.login("admin", WharfProcess.ADMIN_PASSWORD).statusCode());
      awaitCluster(3);
      for (String user : List.of("alice", "bob", "carol")) {
        HttpResponse<String> created = admin.postJson("/hub/api/users/" + user, new JsonObject().put("password", PASSWORD));
        assertEquals(201, created.statusCode(), created.body());
      }
      // Logging in started the admin's own server: it stays, as load on one instance.
      assertReady(admin.awaitProgress("admin"));
    } catch (Throwable e) {
      failed = true;
      printLogs();
      throw e;
    }
  }

  @Test
  @Order(1)
  void anyInstanceServesTheNotebook() throws Exception {
    alice = new HubClient(balancer.base());
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
    assertEquals(ids(), servedBy, "round robin reached every instance, and each served alice's notebook");

    HttpResponse<String> created = alice.postJson("/user/alice/api/kernels", new JsonObject().put("name", "python3"));
    assertEquals(201, created.statusCode(), created.body());
    aliceKernel = new JsonObject(created.body()).getString("id");
    assertEquals("2", NotebookKernel.execute(alice, "alice", aliceKernel, "1+1", balancer.base()));
    // Each router on its own tunnels the kernel's WebSocket to the container, wherever it runs.
    for (WharfProcess wharf : instances) {
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
    await(Duration.ofSeconds(15), () -> running(instancesView()).values().stream().mapToInt(Integer::intValue).sum() == 2,
      "load reports count the two servers");
    Map<String, Integer> running = running(instancesView());
    int least = running.values().stream().mapToInt(Integer::intValue).min().orElseThrow();
    Set<String> leastLoaded = running.entrySet().stream().filter(e -> e.getValue() == least).map(Map.Entry::getKey)
      .collect(Collectors.toSet());
    assertEquals(1, leastLoaded.size(), running.toString());

    bob = new HubClient(balancer.base());
    assertEquals(302, bob.login("bob", PASSWORD).statusCode());
    // While the server starts, every router looks its route up and keeps the answer in its
    // near-cache; once it is ready, each must learn so at once, not when the cache expires.
    for (WharfProcess wharf : instances) {
      direct(bob, wharf).get("/user/bob/api/status");
    }
    assertReady(bob.awaitProgress("bob"));
    for (WharfProcess wharf : instances) {
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
    awaitSafe();
    String leader = leader();
    // The victim runs a server, so its notebook must stay reachable through the other routers.
    WharfProcess victim = byId(List.of("alice", "bob").stream()
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
    assertEquals("2", NotebookKernel.execute(alice, "alice", aliceKernel, "1+1", balancer.base()));

    victim.start();
    awaitCluster(3);
    assertEquals(containersBefore, containers(), "the restarted instance re-adopted its containers");
    assertEquals(victimContainers, Docker.containersOf(victim.instanceId));
    assertEquals(200, alice.get("/user/alice/api/status").statusCode());
    assertEquals(200, bob.get("/user/bob/api/status").statusCode());
  }

  @Test
  @Order(4)
  void leaderFailsOverWithinTenSeconds() throws Exception {
    awaitSafe();
    WharfProcess oldLeader = byId(leader());
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
          newLeader = leader();
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

    String newLeader = leader();
    oldLeader.start();
    awaitCluster(3);
    assertEquals(newLeader, leader(), "a returning instance does not take the leadership back");
    assertEquals(containersBefore, containers());
  }

  @Test
  @Order(5)
  void drainedInstanceTakesNoNewServersAndKeepsItsOwn() throws Exception {
    String adminOn = serverOf("admin").getJsonObject("state").getString("instance");
    String aliceOn = serverOf("alice").getJsonObject("state").getString("instance");
    String bobOn = serverOf("bob").getJsonObject("state").getString("instance");
    // The admin's instance becomes the emptiest: without draining, the next server would go there.
    assertEquals(204, admin.delete("/hub/api/users/admin/server").statusCode());
    await(Duration.ofSeconds(15), () -> running(instancesView()).get(adminOn) == 0, "the admin's instance reports no server");

    for (String id : List.of(adminOn, aliceOn)) {
      HttpResponse<String> drained = admin.send(admin.request("/hub/api/instances/" + id + "/drain")
        .POST(HttpRequest.BodyPublishers.noBody()).build());
      assertEquals(200, drained.statusCode(), drained.body());
      assertEquals("draining", new JsonObject(drained.body()).getString("state"));
    }
    HubClient carol = new HubClient(balancer.base());
    assertEquals(302, carol.login("carol", PASSWORD).statusCode());
    assertReady(carol.awaitProgress("carol"));
    assertEquals(bobOn, serverOf("carol").getJsonObject("state").getString("instance"),
      "the only accepting instance took carol's server, though a draining one was emptier");

    for (int i = 0; i < 6; i++) {
      assertEquals(200, alice.get("/user/alice/api/status").statusCode(), "the draining instance's server keeps working");
    }
    assertEquals("2", NotebookKernel.execute(alice, "alice", aliceKernel, "1+1", balancer.base()));

    for (String id : List.of(adminOn, aliceOn)) {
      HttpResponse<String> resumed = admin.delete("/hub/api/instances/" + id + "/drain");
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
      for (WharfProcess wharf : instances) {
        awaitSafe();
        wharf.restart();
        awaitCluster(3);
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
    assertEquals("2", NotebookKernel.execute(alice, "alice", aliceKernel, "1+1", balancer.base()));
  }

  @AfterAll
  void stopCluster() throws Exception {
    List<Throwable> errors = new ArrayList<>();
    for (WharfProcess wharf : instances) {
      try {
        wharf.close();
      } catch (Throwable e) {
        errors.add(e);
      }
    }
    if (balancer != null) {
      balancer.close();
    }
    for (WharfProcess wharf : instances) {
      assertTrue(Docker.containersOf(wharf.instanceId).isEmpty(), "no container of " + wharf.instanceId + " is left");
      assertTrue(Docker.volumesOf(wharf.instanceId).isEmpty(), "no volume of " + wharf.instanceId + " is left");
    }
    if (!errors.isEmpty()) {
      throw new AssertionError("cleanup failed", errors.get(0));
    }
    if (!failed) {
      // The instances' logs and data matter only when a step failed.
      for (WharfProcess wharf : instances) {
        try (Stream<Path> files = Files.walk(wharf.dataDir)) {
          files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }

  // ---- helpers

  private Set<String> ids() {
    return instances.stream().map(w -> w.instanceId).collect(Collectors.toSet());
  }

  private WharfProcess byId(String id) {
    return instances.stream().filter(w -> w.instanceId.equals(id)).findFirst().orElseThrow();
  }

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
      .map(user -> new RequestLoops.Target(balancer.base(), user, clients.get(user).cookie("wharf-session"))).toList());
  }

  private static int status(HubClient client, String path) {
    try {
      return client.get(path).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  private JsonObject instancesView() {
    try {
      HttpResponse<String> response = admin.get("/hub/api/instances");
      assertEquals(200, response.statusCode(), response.body());
      return new JsonObject(response.body());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, Integer> running(JsonObject view) {
    return view.getJsonArray("instances").stream().map(JsonObject.class::cast)
      .filter(i -> i.getBoolean("alive"))
      .collect(Collectors.toMap(i -> i.getString("id"), i -> i.getInteger("running")));
  }

  private String leader() {
    List<String> leaders = instancesView().getJsonArray("instances").stream().map(JsonObject.class::cast)
      .filter(i -> i.getBoolean("alive") && i.getBoolean("leader")).map(i -> i.getString("id")).toList();
    assertEquals(1, leaders.size(), "exactly one live leader: " + leaders);
    return leaders.get(0);
  }

  /** Waits until {@code size} instances are alive, each with a report of its own. */
  private void awaitCluster(int size) throws Exception {
    await(Duration.ofSeconds(60), () -> {
      try {
        return running(instancesView()).keySet().equals(ids()) && ids().size() == size;
      } catch (RuntimeException | AssertionError notYet) {
        return false;
      }
    }, size + " live instances");
  }

  /** Waits until every partition has its backup, so one more member may go. */
  private void awaitSafe() throws Exception {
    await(Duration.ofSeconds(60), () -> instancesView().getBoolean("safe", false), "the cluster is safe");
  }

  private JsonObject serverOf(String user) {
    try {
      HttpResponse<String> response = admin.get("/hub/api/users/" + user);
      assertEquals(200, response.statusCode(), response.body());
      return new JsonObject(response.body()).getJsonObject("servers").getJsonObject("");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
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

  private static void await(Duration timeout, BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for: " + what);
      }
      Thread.sleep(250);
    }
  }

  private static void inParallel(List<Callable<Object>> tasks) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
    try {
      for (Future<Object> done : pool.invokeAll(tasks)) {
        done.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private void printLogs() {
    for (WharfProcess wharf : instances) {
      try {
        List<String> lines = wharf.log().lines().toList();
        System.out.println("---- last lines of " + wharf.instanceId + "'s log");
        lines.subList(Math.max(0, lines.size() - 60), lines.size()).forEach(System.out::println);
      } catch (Exception ignored) {
        // No log yet.
      }
    }
    if (balancer != null) {
      try {
        System.out.println("---- nginx\n" + balancer.log());
      } catch (Exception ignored) {
        // Nothing logged.
      }
    }
  }
}
