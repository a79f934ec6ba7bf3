package io.wharf.server.it;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One instance on the embedded database, killed and restarted on the same data directory:
 * whatever the API acknowledged is there afterwards, and what it deleted stays deleted.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DurableStoreIT {

  private static final int CLIENTS = 8;

  private static WharfProcess wharf;
  private static HubClient admin;

  @BeforeAll
  static void start() throws Exception {
    wharf = new WharfProcess("store", Map.of()).start();
    admin = loggedInAdmin();
  }

  @AfterAll
  static void stop() throws Exception {
    if (wharf != null) {
      wharf.close();
      assertTrue(Docker.containersOf(wharf.instanceId).isEmpty());
      try (var files = Files.walk(wharf.dataDir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static HubClient loggedInAdmin() throws Exception {
    HubClient client = new HubClient(wharf.base());
    assertEquals(302, client.login("admin", WharfProcess.ADMIN_PASSWORD).statusCode());
    return client;
  }

  private static void createUser(String name) throws Exception {
    HttpResponse<String> created = admin.postJson("/hub/api/users/" + name, new JsonObject().put("password", name + "-password"));
    assertEquals(201, created.statusCode(), created.body());
  }

  /** The name the token authenticates as, or the status when it does not. */
  private static String whoIs(String token) throws Exception {
    HttpResponse<String> response = admin.http().send(HttpRequest.newBuilder(URI.create(wharf.base() + "/hub/api/user"))
      .header("Authorization", "token " + token).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    return response.statusCode() == 200 ? new JsonObject(response.body()).getString("name") : "status " + response.statusCode();
  }

  @Test
  @Order(1)
  void everyTokenWhoseCreationWasAnsweredWorksAfterAKillDuringABurstOfCreations() throws Exception {
    createUser("dora");
    HttpResponse<String> adminToken = admin.postJson("/hub/api/users/admin/tokens", new JsonObject().put("note", "burst"));
    assertEquals(201, adminToken.statusCode(), adminToken.body());
    String secret = new JsonObject(adminToken.body()).getString("token");

    Queue<String> acknowledged = new ConcurrentLinkedQueue<>();
    AtomicInteger unanswered = new AtomicInteger();
    AtomicBoolean going = new AtomicBoolean(true);
    HttpRequest create = HttpRequest.newBuilder(URI.create(wharf.base() + "/hub/api/users/dora/tokens"))
      .header("Authorization", "token " + secret).header("Content-Type", "application/json")
      .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString("{\"note\": \"burst\"}")).build();
    ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    for (int i = 0; i < CLIENTS; i++) {
      clients.submit(() -> {
        while (going.get()) {
          try {
            HttpResponse<String> response = admin.http().send(create, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 201) {
              acknowledged.add(new JsonObject(response.body()).getString("token"));
            }
          } catch (Exception e) {
            // In flight when the process died, or refused once it was gone: never acknowledged.
            unanswered.incrementAndGet();
          }
        }
        return null;
      });
    }
    // Kill once the burst is well under way, with requests in flight.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (acknowledged.size() < 200 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    wharf.kill();
    int atKill = acknowledged.size();
    Thread.sleep(300);
    going.set(false);
    clients.shutdown();
    assertTrue(clients.awaitTermination(30, TimeUnit.SECONDS));
    assertTrue(atKill >= 200, "the burst got going: " + atKill + " tokens acknowledged");

    long restart = System.nanoTime();
    wharf.start();
    System.out.printf("DurableStoreIT: %d token creations acknowledged before kill -9, %d requests unanswered; restart took %d ms%n",
      acknowledged.size(), unanswered.get(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restart));
    List<String> lost = new ArrayList<>();
    for (String token : acknowledged) {
      if (!"dora".equals(whoIs(token))) {
        lost.add(token.substring(0, 8));
      }
    }
    assertEquals(List.of(), lost, "acknowledged tokens that no longer work");
    assertEquals("admin", whoIs(secret));
  }

  @Test
  @Order(2)
  void aDeletedUserStaysDeletedAndKeepsNoTokensAfterARestart() throws Exception {
    admin = loggedInAdmin();
    createUser("eve");
    createUser("finn");
    HttpResponse<String> made = admin.postJson("/hub/api/users/eve/tokens", new JsonObject());
    assertEquals(201, made.statusCode(), made.body());
    String evesToken = new JsonObject(made.body()).getString("token");
    assertEquals("eve", whoIs(evesToken));
    assertEquals(204, admin.delete("/hub/api/users/eve").statusCode());

    wharf.restart();
    admin = loggedInAdmin();
    assertEquals(404, admin.get("/hub/api/users/eve").statusCode(), "eve stays deleted");
    assertEquals(200, admin.get("/hub/api/users/finn").statusCode(), "finn is back");
    assertEquals("status 403", whoIs(evesToken));
    createUser("eve");
    assertEquals("status 403", whoIs(evesToken), "a new eve does not get the old eve's token");
    assertTrue(Files.exists(wharf.dataDir.resolve("wharf.mv.db")), "the embedded database is in the data directory");
    assertTrue(Files.notExists(wharf.dataDir.resolve("accounts.json")), "no per-instance account file any more");
  }
}
