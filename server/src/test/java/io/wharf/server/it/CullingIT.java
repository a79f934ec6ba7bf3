package io.wharf.server.it;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Culling against the real Jupyter image: a server whose kernel is busy with no browser attached
 * survives, an idle one is stopped; and launches past the spawn line's bound are refused with 429.
 */
class CullingIT {

  private static final String PASSWORD = "correct-horse-battery";
  private static final int IDLE_SECONDS = 8;

  @Test
  void aBusyKernelSurvivesAndAnIdleServerIsCulled() throws Exception {
    try (WharfProcess wharf = new WharfProcess("cull", Map.of(
      "WHARF_SERVERS_CULL_IDLE_SECONDS", Integer.toString(IDLE_SECONDS),
      "WHARF_SERVERS_CULL_INTERVAL_SECONDS", "2",
      "WHARF_ROUTER_ACTIVITY_FLUSH_SECONDS", "1")).start()) {
      HubClient admin = new HubClient(wharf.base());
      HttpResponse<String> created = admin.send(admin.request("/hub/api/users").header("Content-Type", "application/json")
        .header("Authorization", "token " + adminToken(wharf))
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("usernames", new JsonArray().add("busy").add("idle"))
          .put("password", PASSWORD).encode())).build());
      assertEquals(201, created.statusCode(), created.body());

      HubClient busy = loggedInWithKernel(wharf, "busy");
      HubClient idle = loggedInWithKernel(wharf, "idle");
      String kernel = new JsonObject(new JsonArray(busy.get("/user/busy/api/kernels").body()).getJsonObject(0).encode()).getString("id");
      NotebookKernel.submitAndLeave(busy, "busy", kernel, "import time\ntime.sleep(600)");
      long leftAt = System.currentTimeMillis();

      // Both now see no traffic; the idle one goes once the timeout has passed.
      long deadline = leftAt + (IDLE_SECONDS + 30) * 1000L;
      while (servers(idle, "idle").size() > 0 && System.currentTimeMillis() < deadline) {
        Thread.sleep(500);
      }
      long culledAfter = System.currentTimeMillis() - leftAt;
      assertEquals(0, servers(idle, "idle").size(), "the idle server was culled");
      System.out.println("lifecycle: idle server culled " + culledAfter + " ms after its last traffic (timeout " + IDLE_SECONDS + " s)");

      // Another whole timeout later the busy one still runs, and still computes.
      Thread.sleep((IDLE_SECONDS + 4) * 1000L);
      JsonObject busyServer = servers(busy, "busy").getJsonObject("");
      assertTrue(busyServer != null && busyServer.getBoolean("ready"), "the busy server survived: " + busyServer);
      JsonArray kernels = new JsonArray(busy.get("/user/busy/api/kernels").body());
      assertEquals("busy", kernels.getJsonObject(0).getString("execution_state"));
      assertEquals(204, busy.delete("/hub/api/users/busy/server").statusCode());
      assertTrue(Docker.containersOf(wharf.instanceId).isEmpty(), "culled and stopped servers leave no container");
    }
  }

  @Test
  void startsPastTheLinesBoundGet429WithRetryAfter() throws Exception {
    // Launches that never become ready hold their slot until they time out. The admin's login
    // takes one of the two slots, u1 the other, u2 waits in the line of one, u3 is refused.
    try (WharfProcess wharf = new WharfProcess("line", Map.of(
      "WHARF_SERVERS_CONCURRENT_LAUNCHES", "2",
      "WHARF_SERVERS_LAUNCH_QUEUE", "1",
      "WHARF_CONTAINERS_COMMAND", "sleep,120",
      "WHARF_CONTAINERS_READY_TIMEOUT_SECONDS", "15")).start()) {
      HubClient admin = new HubClient(wharf.base());
      String token = adminToken(wharf);
      for (String user : List.of("u1", "u2", "u3")) {
        assertEquals(201, admin.send(admin.request("/hub/api/users/" + user).header("Authorization", "token " + token)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("password", PASSWORD).encode())).build()).statusCode());
      }
      assertEquals(202, start(admin, token, "u1").statusCode());
      assertEquals(202, start(admin, token, "u2").statusCode());
      HttpResponse<String> refused = start(admin, token, "u3");
      assertEquals(429, refused.statusCode(), refused.body());
      assertTrue(refused.headers().firstValue("Retry-After").isPresent());

      JsonObject waiting = new JsonObject(admin.send(admin.request("/hub/api/users/u2").header("Authorization", "token " + token)
        .GET().build()).body()).getJsonObject("servers").getJsonObject("");
      assertEquals("spawn", waiting.getString("pending"));
      for (String user : List.of("u1", "u2")) {
        assertEquals(204, admin.send(admin.request("/hub/api/users/" + user + "/server").header("Authorization", "token " + token)
          .DELETE().build()).statusCode());
      }
      // A stopped launch's container is removed once its launch gives up or answers.
      long deadline = System.currentTimeMillis() + 60_000;
      while (!Docker.containersOf(wharf.instanceId).isEmpty() && System.currentTimeMillis() < deadline) {
        Thread.sleep(500);
      }
      assertTrue(Docker.containersOf(wharf.instanceId).isEmpty(), "no container left behind");
    }
  }

  private static HttpResponse<String> start(HubClient admin, String token, String user) throws Exception {
    return admin.send(admin.request("/hub/api/users/" + user + "/server").header("Authorization", "token " + token)
      .POST(HttpRequest.BodyPublishers.noBody()).build());
  }

  /** An admin API token, issued through a cookie session of the admin (whose own server is then stopped). */
  private static String adminToken(WharfProcess wharf) throws Exception {
    HubClient admin = new HubClient(wharf.base());
    assertEquals(302, admin.login("admin", WharfProcess.ADMIN_PASSWORD).statusCode());
    HttpResponse<String> issued = admin.postJson("/hub/api/users/admin/tokens", new JsonObject().put("note", "culling test"));
    assertEquals(201, issued.statusCode(), issued.body());
    admin.delete("/hub/api/users/admin/server");
    return new JsonObject(issued.body()).getString("token");
  }

  private static HubClient loggedInWithKernel(WharfProcess wharf, String user) throws Exception {
    HubClient client = new HubClient(wharf.base());
    assertEquals(302, client.login(user, PASSWORD).statusCode());
    JsonObject ready = client.awaitProgress(user);
    assertTrue(ready.getBoolean("ready", false), ready.encode());
    HttpResponse<String> kernel = client.postJson("/user/" + user + "/api/kernels", new JsonObject().put("name", "python3"));
    assertEquals(201, kernel.statusCode(), kernel.body());
    return client;
  }

  private static JsonObject servers(HubClient client, String user) throws Exception {
    return new JsonObject(client.get("/hub/api/users/" + user).body()).getJsonObject("servers");
  }
}
