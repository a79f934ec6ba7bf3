package io.wharf.server.it;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code POST /hub/api/shutdown} on a real process: it answers 202, the process exits by itself
 * with status 0 (the SIGTERM path), the user's notebook container keeps running, and the
 * instance started again on the same data directory re-adopts it.
 */
class ShutdownIT {

  @Test
  void shutdownThroughTheApiExitsCleanlyAndTheNotebookIsReadoptedAfterARestart() throws Exception {
    try (WharfProcess wharf = new WharfProcess("shutdown", Map.of()).start()) {
      HubClient admin = new HubClient(wharf.base());
      assertEquals(302, admin.login("admin", WharfProcess.ADMIN_PASSWORD).statusCode());
      HttpResponse<String> made = admin.postJson("/hub/api/users/admin/tokens", new JsonObject().put("scopes", List.of("shutdown")));
      assertEquals(201, made.statusCode(), made.body());
      String token = new JsonObject(made.body()).getString("token");
      assertEquals(202, admin.postJson("/hub/api/users/admin/server", new JsonObject()).statusCode());
      assertTrue(admin.awaitProgress("admin").getBoolean("ready", false));
      List<String> containers = Docker.containersOf(wharf.instanceId);
      assertEquals(1, containers.size());

      HttpResponse<String> shutdown = admin.http().send(HttpRequest.newBuilder(URI.create(wharf.base() + "/hub/api/shutdown"))
        .header("Authorization", "token " + token).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(202, shutdown.statusCode(), shutdown.body());
      assertEquals("5.5.1", shutdown.headers().firstValue("X-JupyterHub-Version").orElse(null));
      assertEquals(0, wharf.awaitExit(Duration.ofSeconds(40)), "exited by itself, cleanly");
      assertEquals(containers, Docker.containersOf(wharf.instanceId), "the notebook's container is still there");

      wharf.start();
      HubClient again = new HubClient(wharf.base());
      assertEquals(302, again.login("admin", WharfProcess.ADMIN_PASSWORD).statusCode());
      assertEquals(200, again.get("/user/admin/api/status").statusCode(), "re-adopted and routed");
      assertEquals(containers, Docker.containersOf(wharf.instanceId), "the same container");
    }
  }
}
