package io.wharf.server.it;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Two instances sharing one PostgreSQL database: accounts and tokens written through either
 * are all back after every instance stopped and started again, and an account deleted through
 * one instance stays deleted.
 */
class PostgresClusterIT {

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

  @Test
  void everyAccountAndTokenIsBackAfterBothInstancesStopAndStart() throws Exception {
    WharfCluster cluster = new WharfCluster(List.of("127.0.0.1", "127.0.0.2"));
    try {
      cluster.start();
      WharfProcess first = cluster.instances.get(0);
      WharfProcess second = cluster.instances.get(1);
      HubClient viaFirst = admin(first);
      HubClient viaSecond = admin(second);
      createUser(viaFirst, "ann");
      createUser(viaSecond, "ben");
      createUser(viaSecond, "cy");
      Map<String, String> tokens = Map.of("ann", token(viaSecond, "ann"), "ben", token(viaFirst, "ben"));
      String cysToken = token(viaSecond, "cy");
      assertEquals(204, viaFirst.delete("/hub/api/users/cy").statusCode(), "deleted through the other instance");

      for (WharfProcess wharf : cluster.instances) {
        wharf.stop();
      }
      long start = System.nanoTime();
      first.start();
      second.start();
      cluster.awaitCluster(2);
      System.out.printf("PostgresClusterIT: both instances serving again %d ms after the first was started%n",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));

      for (WharfProcess wharf : cluster.instances) {
        HubClient admin = admin(wharf);
        for (String user : List.of("ann", "ben")) {
          assertEquals(200, admin.get("/hub/api/users/" + user).statusCode(), user + " on " + wharf.instanceId);
          assertEquals(user, whoIs(wharf, tokens.get(user)), user + "'s token on " + wharf.instanceId);
        }
        assertEquals(404, admin.get("/hub/api/users/cy").statusCode(), "cy stays deleted on " + wharf.instanceId);
        assertEquals("status 403", whoIs(wharf, cysToken));
      }
    } catch (Throwable e) {
      cluster.printLogs();
      throw e;
    } finally {
      cluster.stop(false);
    }
  }
}
