package io.wharf.server.it;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cluster {@link ClusterIT} runs against: one Wharf process per loopback address, one
 * Hazelcast cluster, one PostgreSQL database they share (a cluster refuses embedded ones),
 * nginx in front, and the admin's client to ask the cluster about itself through
 * {@code /hub/api}.
 */
final class WharfCluster {

  final List<WharfProcess> instances = new ArrayList<>();
  final Postgres.Database database;
  NginxBalancer balancer;
  HubClient admin;

  /** The instances, configured as one cluster on {@code addresses}; none is started yet. */
  WharfCluster(List<String> addresses) throws Exception {
    int clusterPort = WharfProcess.freePort();
    int httpsPort = WharfProcess.freePort();
    String members = addresses.stream().map(a -> a + ":" + clusterPort).collect(Collectors.joining(","));
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    String cookieSecret = Base64.getEncoder().encodeToString(key);
    String clusterSecret = UUID.randomUUID().toString();
    database = Postgres.create();
    for (int i = 0; i < addresses.size(); i++) {
      String address = addresses.get(i);
      WharfProcess wharf = new WharfProcess("c" + (i + 1), address, httpsPort, Map.of(
        "WHARF_CLUSTER_ADVERTISE_ADDRESS", address,
        "WHARF_CONTAINERS_PUBLISH_HOST", address,
        "WHARF_CLUSTER_PORT", Integer.toString(clusterPort),
        "WHARF_CLUSTER_MEMBERS", members,
        "WHARF_CLUSTER_SECRET", clusterSecret,
        "WHARF_AUTH_COOKIE_SECRET", cookieSecret,
        "WHARF_ROUTER_EVENT_LOOPS", "2"));
      // Users' home volumes carry the instance id, so cleanup finds exactly this test's.
      wharf.with("WHARF_CONTAINERS_HOME_VOLUME", wharf.instanceId + "-home-{account}");
      database.wharfEnv().forEach(wharf::with);
      instances.add(wharf);
    }
  }

  /** Starts the instances and nginx, logs the admin in, and waits until every instance is a member. */
  void start() throws Exception {
    // The first becomes the oldest member; the others join it at the same time.
    instances.get(0).start();
    inParallel(instances.subList(1, instances.size()).stream().<Callable<Object>>map(w -> w::start).toList());
    balancer = NginxBalancer.start(instances.stream().map(w -> w.address + ":" + w.httpsPort).toList());

    admin = new HubClient(balancer.base());
    assertEquals(302, admin.login("admin", WharfProcess.ADMIN_PASSWORD).statusCode());
    awaitCluster(instances.size());
  }

  Set<String> ids() {
    return instances.stream().map(w -> w.instanceId).collect(Collectors.toSet());
  }

  WharfProcess byId(String id) {
    return instances.stream().filter(w -> w.instanceId.equals(id)).findFirst().orElseThrow();
  }

  JsonObject instancesView() {
    try {
      HttpResponse<String> response = admin.get("/hub/api/instances");
      assertEquals(200, response.statusCode(), response.body());
      return new JsonObject(response.body());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Servers running on each live instance, by instance id. */
  static Map<String, Integer> running(JsonObject view) {
    return view.getJsonArray("instances").stream().map(JsonObject.class::cast)
      .filter(i -> i.getBoolean("alive"))
      .collect(Collectors.toMap(i -> i.getString("id"), i -> i.getInteger("running")));
  }

  String leader() {
    List<String> leaders = instancesView().getJsonArray("instances").stream().map(JsonObject.class::cast)
      .filter(i -> i.getBoolean("alive") && i.getBoolean("leader")).map(i -> i.getString("id")).toList();
    assertEquals(1, leaders.size(), "exactly one live leader: " + leaders);
    return leaders.get(0);
  }

  /** Waits until {@code size} instances are alive, each with a report of its own. */
  void awaitCluster(int size) throws Exception {
    await(Duration.ofSeconds(60), () -> {
      try {
        return running(instancesView()).keySet().equals(ids()) && ids().size() == size;
      } catch (RuntimeException | AssertionError notYet) {
        return false;
      }
    }, size + " live instances");
  }

  /** Waits until every partition has its backup, so one more member may go. */
  void awaitSafe() throws Exception {
    await(Duration.ofSeconds(60), () -> instancesView().getBoolean("safe", false), "the cluster is safe");
  }

  /** {@code user}'s default server as the admin API shows it, or null. */
  JsonObject serverOf(String user) {
    try {
      HttpResponse<String> response = admin.get("/hub/api/users/" + user);
      assertEquals(200, response.statusCode(), response.body());
      return new JsonObject(response.body()).getJsonObject("servers").getJsonObject("");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Stops the instances and nginx, drops the database, and checks that no container or volume
   * of theirs is left.
   * Keeps the instances' logs and data directories when {@code keepData}.
   */
  void stop(boolean keepData) throws Exception {
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
    try {
      database.drop();
    } catch (Exception e) {
      errors.add(e);
    }
    for (WharfProcess wharf : instances) {
      assertTrue(Docker.containersOf(wharf.instanceId).isEmpty(), "no container of " + wharf.instanceId + " is left");
      assertTrue(Docker.volumesOf(wharf.instanceId).isEmpty(), "no volume of " + wharf.instanceId + " is left");
    }
    if (!errors.isEmpty()) {
      throw new AssertionError("cleanup failed", errors.get(0));
    }
    if (!keepData) {
      for (WharfProcess wharf : instances) {
        try (Stream<Path> files = Files.walk(wharf.dataDir)) {
          files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }

  /**
   * Prints the cluster's logs when a test fails, and remembers that one did, so the cluster is
   * stopped keeping its data ({@link #stop(boolean)}). Register it, then set {@link #cluster}.
   */
  static final class FailureWatch implements TestWatcher {
    WharfCluster cluster;
    boolean failed;

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
      failed(cause);
    }

    /** A failure outside a test (in a {@code @BeforeAll}): logs printed, data kept. */
    void failed(Throwable cause) {
      failed = true;
      if (cluster != null) {
        cluster.printLogs();
      }
    }
  }

  /** The last lines of each instance's log, and nginx's log. */
  void printLogs() {
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

  static void await(Duration timeout, BooleanSupplier condition, String what) throws InterruptedException {
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
}
