package io.wharf.session.hub;

import io.vertx.core.json.JsonObject;
import io.wharf.session.testing.HubClient;
import io.wharf.session.testing.HubOptions;
import io.wharf.session.testing.HubReply;
import io.wharf.session.testing.HubServerExtension;
import io.wharf.session.testing.IdleCullerSequence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replays {@code jupyterhub-idle-culler --cull-users --api-page-size=2 --timeout=3600}
 * ({@link IdleCullerSequence}) against the in-process hub, as a configured service holding only
 * the scopes the culler's documentation asks for. Its clock is two hours ahead, so that what
 * happened in this test counts as idle unless activity was reported since.
 */
class IdleCullerReplayTest {

  private static final String CULLER_TOKEN = "culler-token-0123456789abcdef0123456789abcdef";
  private static final long TIMEOUT_SECONDS = 3600;

  @RegisterExtension
  static final HubServerExtension hub = new HubServerExtension(new HubOptions().auth(new JsonObject()
    .put("services", new JsonObject().put("idle-culler", new JsonObject().put("token", CULLER_TOKEN)
      .put("scopes", List.of("list:users", "read:users:activity", "read:servers", "delete:servers", "admin:users"))))));

  private final HubClient client = hub.client();
  private final Instant now = Instant.now().plus(Duration.ofHours(2));
  private final List<String> requests = new ArrayList<>();

  @Test
  void theCullerStopsIdleServersAndDeletesIdleUsersAndLeavesTheRest() {
    String admin = hub.adminToken();
    for (String user : List.of("idle", "busy", "named", "nothing", "starting")) {
      hub.user(user);
    }
    client.post("/hub/api/users/idle/server").token(admin).send().assertStatus(202);
    client.post("/hub/api/users/busy/server").token(admin).send().assertStatus(202);
    client.post("/hub/api/users/named/servers/lab").token(admin).send().assertStatus(202);
    hub.containers().holdLaunches(true);
    client.post("/hub/api/users/starting/server").token(admin).send().assertStatus(202);
    // busy's notebook reported activity a minute before the culler's now.
    client.post("/hub/api/users/busy/activity").token(admin).json(new JsonObject().put("servers",
      new JsonObject().put("", new JsonObject().put("last_activity", now.minus(Duration.ofMinutes(1)).toString())))).send()
      .assertStatus(200);

    cull();

    Set<String> left = Set.copyOf(client.get("/hub/api/users").token(admin).send().array(200).stream()
      .map(u -> ((JsonObject) u).getString("name")).toList());
    assertEquals(Set.of(HubOptions.ADMIN, "busy", "starting"), left, "requests: " + requests);
    assertNull(hub.state().server("idle", ""));
    assertNull(hub.state().server("named", "lab"));
    assertTrue(hub.state().server("busy", "").running());
    assertTrue(hub.state().server("starting", "").pending(), "a pending server is never culled");
    assertTrue(requests.contains("DELETE /hub/api/users/named/servers/lab"), requests::toString);
    assertTrue(requests.stream().filter(r -> r.startsWith("GET /hub/api/users?")).count() >= 3,
      "paged through more than one page: " + requests);
    hub.containers().holdLaunches(false);
  }

  /** {@code cull_idle(url, api_token, inactive_limit=3600, cull_users=True, api_page_size=2)}, as the culler's service. */
  private void cull() {
    requests.addAll(new IdleCullerSequence((method, path, accept) -> {
      HubClient.Request request = (method.equals("DELETE") ? client.delete(path) : client.get(path)).token(CULLER_TOKEN);
      if (accept != null) {
        request.header("Accept", accept);
      }
      HubReply reply = request.send();
      assertEquals(InfoApi.JUPYTERHUB_VERSION, reply.header("X-JupyterHub-Version"));
      return new IdleCullerSequence.Reply(reply.status(), reply.body());
    }, now, TIMEOUT_SECONDS, 2).run().requests());
  }
}
