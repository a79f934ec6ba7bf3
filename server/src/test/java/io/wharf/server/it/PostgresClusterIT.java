package io.wharf.server.it;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three instances sharing one PostgreSQL database, stopped all at once (two of them with
 * {@code kill -9} right after their last acknowledged write) and started again: every account
 * and token written through any of them is back, an account deleted through one stays deleted
 * with its token refused, and a logged-out cookie stays refused by every router. The three
 * start again at once. Prints how long
 * the other routers took to refuse a logged-out cookie, and how long the restart took until
 * every instance answered {@code /hub/health} and every route was served again.
 */
class PostgresClusterIT {

  private static final String COOKIE = "wharf-session";
  private static final List<String> ADDRESSES = List.of("127.0.0.1", "127.0.0.2", "127.0.0.3");

  private static HubClient admin(WharfProcess wharf) throws Exception {
    HubClient client = new HubClient(wharf.base());
    assertEquals(302, client.login("admin", WharfProcess.ADMIN_PASSWORD).statusCode());
    return client;
  }

  private static void createUser(HubClient admin, String name) throws Exception {
    HttpResponse<String> created = admin.postJson("/hub/api/users/" + name, new JsonObject().put("password", name + "-password"));
    assertEquals(201, created.statusCode(), created.body());
  }

  private static String token(HubClient admin, String user) throws Exception {
    HttpResponse<String> made = admin.postJson("/hub/api/users/" + user + "/tokens", new JsonObject());
    assertEquals(201, made.statusCode(), made.body());
    return new JsonObject(made.body()).getString("token");
  }

  private static String whoIs(WharfProcess wharf, String token) throws Exception {
    HttpResponse<String> response = new HubClient(wharf.base()).http().send(
      HttpRequest.newBuilder(URI.create(wharf.base() + "/hub/api/user")).header("Authorization", "token " + token)
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    return response.statusCode() == 200 ? new JsonObject(response.body()).getString("name") : "status " + response.statusCode();
  }

  /** A client of {@code wharf} alone that carries {@code cookie}. */
  private static HubClient carrying(WharfProcess wharf, String cookie) {
    HubClient client = new HubClient(wharf.base());
    client.setCookie(COOKIE, cookie);
    return client;
  }

  /** The status {@code client} gets on {@code path}, asking as an API client does (401 when refused); -1 for no answer. */
  private static int status(HubClient client, String path) {
    try {
      return client.send(client.request(path).header("Accept", "application/json").timeout(Duration.ofSeconds(5)).GET().build())
        .statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  private static int status(WharfProcess wharf, String cookie, String path) {
    return status(carrying(wharf, cookie), path);
  }

  @Test
  void everyAcknowledgedWriteIsBackAfterAllThreeInstancesStopAndStart() throws Exception {
    WharfCluster cluster = new WharfCluster(ADDRESSES);
    try {
      cluster.start();
      List<WharfProcess> all = cluster.instances;
      List<HubClient> admins = new ArrayList<>();
      for (WharfProcess wharf : all) {
        admins.add(admin(wharf));
      }
      createUser(admins.get(0), "ann");
      createUser(admins.get(1), "ben");
      createUser(admins.get(2), "cy");
      Map<String, String> tokens = new LinkedHashMap<>();
      tokens.put("ann", token(admins.get(1), "ann"));
      tokens.put("ben", token(admins.get(2), "ben"));
      tokens.put("admin", token(admins.get(0), "admin"));
      String cysToken = token(admins.get(1), "cy");
      // A group with members and properties, made through one instance and changed through another.
      assertEquals(201, admins.get(2).postJson("/hub/api/groups/lab", new JsonObject()).statusCode());
      assertEquals(200, admins.get(0).postJson("/hub/api/groups/lab/users",
        new JsonObject().put("users", new JsonArray().add("ann").add("cy"))).statusCode());
      assertEquals(204, admins.get(0).delete("/hub/api/users/cy").statusCode(), "deleted through another instance");

      // The admin's server (started by the first login) gives every router a route to serve after the restart.
      assertTrue(cluster.admin.awaitProgress("admin").getBoolean("ready", false));
      String loggedOut = logOutAndTimeTheOtherRouters(all);

      // A last write through each of the two to be killed, then kill -9 at once; the first stops as an operator stops it.
      String lateToken = token(admins.get(2), "ann");
      all.get(2).kill();
      createUser(admins.get(1), "dee");
      all.get(1).kill();
      all.get(0).stop();

      // All three at once, as a machine's reboot or an operator's start script would start them.
      long start = System.nanoTime();
      ExecutorService starter = Executors.newFixedThreadPool(all.size());
      List<Long> healthyAfter;
      try {
        List<Future<Long>> starts = new ArrayList<>();
        for (WharfProcess wharf : all) {
          starts.add(starter.submit(() -> {
            wharf.start();
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
          }));
        }
        healthyAfter = new ArrayList<>();
        for (Future<Long> started : starts) {
          healthyAfter.add(started.get(3, TimeUnit.MINUTES));
        }
      } finally {
        starter.shutdownNow();
      }
      long healthy = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      cluster.awaitCluster(3);
      long joined = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      String adminCookie = cluster.admin.cookie(COOKIE);
      for (WharfProcess wharf : all) {
        WharfCluster.await(Duration.ofSeconds(30), () -> status(wharf, adminCookie, "/user/admin/api/status") == 200,
          wharf.instanceId + " routes to the admin's re-adopted server");
      }
      long routed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      System.out.printf("PostgresClusterIT: full restart of 3 instances started at once: /hub/health answered after %s ms,"
        + " every one after %d ms, one cluster of 3 after %d ms, every router serving the re-adopted server after %d ms%n",
        healthyAfter, healthy, joined, routed);
      assertTrue(healthy < 180_000, "restarted within 3 minutes, took " + healthy + " ms");

      for (WharfProcess wharf : all) {
        HubClient admin = admin(wharf);
        for (String user : List.of("ann", "ben", "dee")) {
          assertEquals(200, admin.get("/hub/api/users/" + user).statusCode(), user + " on " + wharf.instanceId);
        }
        for (Map.Entry<String, String> token : tokens.entrySet()) {
          assertEquals(token.getKey(), whoIs(wharf, token.getValue()), token.getKey() + "'s token on " + wharf.instanceId);
        }
        assertEquals("ann", whoIs(wharf, lateToken), "the token made just before the kill, on " + wharf.instanceId);
        assertEquals(404, admin.get("/hub/api/users/cy").statusCode(), "cy stays deleted on " + wharf.instanceId);
        HttpResponse<String> lab = admin.get("/hub/api/groups/lab");
        assertEquals(200, lab.statusCode(), "the group on " + wharf.instanceId);
        assertEquals(List.of("ann"), new JsonObject(lab.body()).getJsonArray("users").getList(), "its members, without deleted cy");
        assertEquals("status 403", whoIs(wharf, cysToken));
        assertEquals(403, status(wharf, loggedOut, "/hub/api/user"), "the logged-out cookie on " + wharf.instanceId);
        assertEquals(401, status(wharf, loggedOut, "/user/admin/api/status"), "and on its router");
      }
    } catch (Throwable e) {
      cluster.printLogs();
      throw e;
    } finally {
      cluster.stop(false);
    }
  }

  /**
   * Logs a second admin session out through the first instance and measures how
   * long the routers of the other instances still let its cookie through; returns the cookie.
   */
  private static String logOutAndTimeTheOtherRouters(List<WharfProcess> all) throws Exception {
    HubClient session = new HubClient(all.get(0).base());
    assertEquals(302, session.login("admin", WharfProcess.ADMIN_PASSWORD).statusCode());
    String cookie = session.cookie(COOKIE);
    List<WharfProcess> others = all.subList(1, 3);
    // One client (and so one kept-alive connection) per router, warmed up, so a check costs no TLS handshake.
    List<HubClient> replays = others.stream().map(wharf -> carrying(wharf, cookie)).toList();
    for (int i = 0; i < others.size(); i++) {
      for (int warm = 0; warm < 20; warm++) {
        assertEquals(200, status(replays.get(i), "/user/admin/api/status"), "the session works on " + others.get(i).instanceId);
      }
    }
    long rtt = System.nanoTime();
    status(replays.get(0), "/user/admin/api/status");
    rtt = System.nanoTime() - rtt;
    String xsrf = URLEncoder.encode(session.cookie("XSRF-TOKEN"), StandardCharsets.UTF_8);
    long sent = System.nanoTime();
    HttpResponse<String> out = session.send(session.request("/hub/logout").header("Content-Type", "application/x-www-form-urlencoded")
      .POST(HttpRequest.BodyPublishers.ofString("X-XSRF-TOKEN=" + xsrf)).build());
    long acknowledged = System.nanoTime();
    assertEquals(302, out.statusCode(), out.body());
    List<CompletableFuture<long[]>> refusals = replays.stream().map(replay -> CompletableFuture.supplyAsync(() -> {
      // When the first request that this router refused was sent (ns after the logout was acknowledged), and how
      // many it let through before.
      long letThrough = 0;
      while (System.nanoTime() - acknowledged < Duration.ofSeconds(10).toNanos()) {
        long asked = System.nanoTime();
        if (status(replay, "/user/admin/api/status") == 401) {
          return new long[] {asked - acknowledged, letThrough};
        }
        letThrough++;
      }
      return new long[] {-1, letThrough};
    })).toList();
    for (int i = 0; i < others.size(); i++) {
      long[] refused = refusals.get(i).get(20, TimeUnit.SECONDS);
      assertNotEquals(-1L, refused[0], others.get(i).instanceId + " refused the logged-out cookie within 10 s");
      System.out.printf("PostgresClusterIT: the router of %s let %d requests through after the logout was acknowledged,"
          + " and refused the one sent %.1f ms after it (logout request %.1f ms, one proxied request %.1f ms)%n",
        others.get(i).instanceId, refused[1], refused[0] / 1e6, (acknowledged - sent) / 1e6, rtt / 1e6);
      assertTrue(refused[0] < 5_000_000_000L, "within 5 s, took " + refused[0] / 1e6 + " ms");
    }
    return cookie;
  }
}
