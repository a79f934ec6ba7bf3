package io.wharf.server.it;

import io.vertx.core.json.JsonObject;
import io.wharf.session.testing.IdleCullerSequence;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code jupyterhub-idle-culler --cull-users}'s request sequence ({@link IdleCullerSequence}) against a
 * real process and real notebook containers, as a service configured in a configuration file: the
 * idle user's server is stopped (its container removed) and the user deleted, the idle admin's
 * server is stopped but the admin kept, and the user whose notebook reported activity keeps
 * both. The culler's clock runs two hours ahead.
 */
class CullerReplayIT {

  private static final String TOKEN = "culler-it-token-0123456789abcdef0123456789abcdef";

  @Test
  void theCullerStopsTheIdleServerAndDeletesTheIdleUserOnly() throws Exception {
    Path config = Files.createTempFile("wharf-culler", ".yaml");
    Files.writeString(config, "auth:\n  services:\n    idle-culler:\n      token: \"" + TOKEN + "\"\n"
      + "      scopes: [list:users, read:users:activity, read:servers, delete:servers, admin:users]\n");
    try (WharfProcess wharf = new WharfProcess("culler", Map.of("WHARF_CONFIG", config.toString())).start()) {
      HubClient admin = new HubClient(wharf.base());
      assertEquals(302, admin.login("admin", WharfProcess.ADMIN_PASSWORD).statusCode());
      for (String user : List.of("idle", "busy")) {
        assertEquals(201, admin.postJson("/hub/api/users/" + user, new JsonObject().put("password", user + "-password-1")).statusCode());
        assertEquals(202, admin.postJson("/hub/api/users/" + user + "/server", new JsonObject()).statusCode());
        assertTrue(admin.awaitProgress(user).getBoolean("ready", false), user);
      }
      Instant later = Instant.now().plus(Duration.ofHours(2));
      assertEquals(200, admin.postJson("/hub/api/users/busy/activity", new JsonObject().put("servers", new JsonObject()
        .put("", new JsonObject().put("last_activity", later.minus(Duration.ofMinutes(1)).toString())))).statusCode());
      // The admin's login started the admin's server too: three notebooks.
      assertEquals(3, Docker.containersOf(wharf.instanceId).size());

      IdleCullerSequence culler = new IdleCullerSequence((method, path, accept) -> {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(wharf.base() + path)).timeout(Duration.ofSeconds(30))
          .header("Authorization", "token " + TOKEN).method(method, HttpRequest.BodyPublishers.noBody());
        if (accept != null) {
          request.header("Accept", accept);
        }
        try {
          HttpResponse<String> response = admin.http().send(request.build(), HttpResponse.BodyHandlers.ofString());
          return new IdleCullerSequence.Reply(response.statusCode(), response.body());
        } catch (Exception e) {
          throw new IllegalStateException(method + " " + path, e);
        }
      }, later, 3600, 1).run();

      assertTrue(culler.requests().contains("DELETE /hub/api/users/idle/server"), culler.requests()::toString);
      assertTrue(culler.requests().contains("DELETE /hub/api/users/idle"), culler.requests()::toString);
      assertEquals(404, admin.get("/hub/api/users/idle").statusCode());
      JsonObject busy = new JsonObject(admin.get("/hub/api/users/busy").body());
      assertTrue(busy.getJsonObject("servers").getJsonObject("").getBoolean("ready"), busy::encode);
      assertEquals(1, Docker.containersOf(wharf.instanceId).size(), "only busy's container is left: " + culler.requests());
      assertEquals(200, admin.get("/hub/api/users/admin").statusCode(), "an idle admin's server is stopped, the admin kept");
    } finally {
      Files.deleteIfExists(config);
    }
  }
}
