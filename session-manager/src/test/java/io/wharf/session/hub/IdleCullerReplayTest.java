package io.wharf.session.hub;

import io.vertx.core.json.JsonObject;
import io.wharf.session.testing.HubClient;
import io.wharf.session.testing.HubOptions;
import io.wharf.session.testing.HubReply;
import io.wharf.session.testing.HubServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replays what {@code jupyterhub-idle-culler} (2.0.0, {@code cull_idle} in its
 * {@code __init__.py}) asks of a hub when run with {@code --cull-users --api-page-size=2
 * --timeout=3600}: the root (whose version must be at least 1.3 for the state filter), users
 * with {@code state=inactive} and then {@code state=ready}, both paged through
 * {@code _pagination.next.url} with the pagination {@code Accept} header, a {@code DELETE} of each
 * idle server (204: stopped; 202 would mean "slow to stop, do not cull the user"), and a
 * {@code DELETE} of each idle user whose servers are all stopped. It runs as a configured service
 * holding only the scopes the culler's documentation asks for. Time is taken two hours ahead, so
 * that what happened in this test counts as idle unless activity was reported since.
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

  /** {@code cull_idle(url, api_token, inactive_limit=3600, cull_users=True, api_page_size=2)}. */
  private void cull() {
    JsonObject root = get("/hub/api/");
    assertTrue(versionAtLeast(root.getString("version"), 1, 3), root.encode());
    List<JsonObject> users = new ArrayList<>(paginated("/hub/api/users?state=inactive&limit=2"));
    users.addAll(paginated("/hub/api/users?limit=2&state=ready"));
    for (JsonObject user : users) {
      handleUser(user);
    }
  }

  private void handleUser(JsonObject user) {
    JsonObject servers = user.getJsonObject("servers");
    assertNotNull(servers, "read:servers shows the servers: " + user.encode());
    int alive = 0;
    for (Map.Entry<String, Object> entry : servers) {
      if (!handleServer(user, entry.getKey(), (JsonObject) entry.getValue())) {
        alive++;
      }
    }
    if (alive > 0) {
      return;
    }
    String last = user.getString("last_activity");
    Duration inactive = Duration.between(Instant.parse(last != null ? last : user.getString("created")), now);
    if (inactive.getSeconds() >= TIMEOUT_SECONDS && !user.getBoolean("admin")) {
      send(client.delete("/hub/api/users/" + user.getString("name")), "DELETE /hub/api/users/" + user.getString("name"))
        .assertStatus(204);
    }
  }

  /** True when the server is stopped now (so the user may be culled). */
  private boolean handleServer(JsonObject user, String name, JsonObject server) {
    if (server.getValue("pending") != null || !server.getBoolean("ready", server.getValue("url") != null)) {
      return false;
    }
    String last = server.getString("last_activity");
    Duration inactive = Duration.between(Instant.parse(last != null ? last : server.getString("started")), now);
    if (inactive.getSeconds() < TIMEOUT_SECONDS) {
      return false;
    }
    String path = "/hub/api/users/" + enc(user.getString("name")) + (name.isEmpty() ? "/server" : "/servers/" + enc(server.getString("name")));
    HubReply reply = send(client.delete(path), "DELETE " + path);
    assertTrue(reply.status() == 204 || reply.status() == 202, reply.body());
    return reply.status() == 204;
  }

  /** {@code fetch_paginated}: the pagination Accept header, then each {@code next.url} until there is none. */
  private List<JsonObject> paginated(String first) {
    List<JsonObject> items = new ArrayList<>();
    String path = first;
    while (path != null) {
      JsonObject page = send(client.get(path).header("Accept", "application/jupyterhub-pagination+json"), "GET " + path).json(200);
      page.getJsonArray("items").forEach(item -> items.add((JsonObject) item));
      JsonObject next = page.getJsonObject("_pagination").getJsonObject("next");
      // The culler requests next.url as it is: a full URL, here to the same hub.
      path = next == null ? null : URI.create(next.getString("url")).getRawPath() + "?" + URI.create(next.getString("url")).getRawQuery();
    }
    return items;
  }

  private JsonObject get(String path) {
    return send(client.get(path), "GET " + path).json(200);
  }

  private HubReply send(HubClient.Request request, String line) {
    requests.add(line);
    HubReply reply = request.token(CULLER_TOKEN).send();
    assertEquals(InfoApi.JUPYTERHUB_VERSION, reply.header("X-JupyterHub-Version"));
    return reply;
  }

  private static boolean versionAtLeast(String version, int major, int minor) {
    String[] parts = version.split("\\.");
    int got = Integer.parseInt(parts[0]) * 1000 + Integer.parseInt(parts[1]);
    return got >= major * 1000 + minor;
  }

  private static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
