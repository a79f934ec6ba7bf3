package io.wharf.session.testing;

import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What {@code jupyterhub-idle-culler} (2.0.0, {@code cull_idle} in its {@code __init__.py}) asks
 * of a hub when run with {@code --cull-users --api-page-size=N --timeout=T}, replayed: the root
 * (whose version must be at least 1.3 for the state filter), users with {@code state=inactive}
 * and then with {@code state=ready}, both paged through {@code _pagination.next.url} with the
 * pagination {@code Accept} header, a {@code DELETE} of each idle server that is ready and not
 * pending (204: stopped; 202 would mean "slow, do not cull the user"), and a {@code DELETE} of
 * each idle non-admin user whose servers are all stopped. Its clock is given, so a test can run
 * it "later" instead of waiting. Used in process and against a real Wharf.
 */
public final class IdleCullerSequence {

  /** One exchange with the hub, with the culler's token. */
  public interface Http {

    /** Sends a request ({@code accept} may be null) and answers its status and body. */
    Reply send(String method, String pathAndQuery, String accept);
  }

  public record Reply(int status, String body) {
  }

  private static final String PAGINATION = "application/jupyterhub-pagination+json";

  private final Http http;
  private final Instant now;
  private final long timeoutSeconds;
  private final int pageSize;
  private final List<String> requests = new ArrayList<>();

  public IdleCullerSequence(Http http, Instant now, long timeoutSeconds, int pageSize) {
    this.http = http;
    this.now = now;
    this.timeoutSeconds = timeoutSeconds;
    this.pageSize = pageSize;
  }

  /** Every request made, as {@code METHOD path?query}. */
  public List<String> requests() {
    return requests;
  }

  /** {@code cull_idle(url, api_token, inactive_limit, cull_users=True, api_page_size)}. */
  public IdleCullerSequence run() {
    JsonObject root = new JsonObject(send("GET", "/hub/api/", null, 200).body());
    String[] version = root.getString("version").split("\\.");
    assertTrue(Integer.parseInt(version[0]) * 1000 + Integer.parseInt(version[1]) >= 1003, root::encode);
    List<JsonObject> users = new ArrayList<>(paginated("/hub/api/users?state=inactive&limit=" + pageSize));
    users.addAll(paginated("/hub/api/users?limit=" + pageSize + "&state=ready"));
    for (JsonObject user : users) {
      handleUser(user);
    }
    return this;
  }

  private void handleUser(JsonObject user) {
    JsonObject servers = user.getJsonObject("servers");
    assertNotNull(servers, "the culler needs read:servers: " + user.encode());
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
    if (inactive.getSeconds() >= timeoutSeconds && !user.getBoolean("admin")) {
      send("DELETE", "/hub/api/users/" + enc(user.getString("name")), null, 204);
    }
  }

  /** True when the server is stopped now (so that its user may be culled). */
  private boolean handleServer(JsonObject user, String name, JsonObject server) {
    if (server.getValue("pending") != null || !server.getBoolean("ready", server.getValue("url") != null)) {
      return false;
    }
    String last = server.getString("last_activity");
    Duration inactive = Duration.between(Instant.parse(last != null ? last : server.getString("started")), now);
    if (inactive.getSeconds() < timeoutSeconds) {
      return false;
    }
    String path = "/hub/api/users/" + enc(user.getString("name")) + (name.isEmpty() ? "/server" : "/servers/" + enc(server.getString("name")));
    Reply reply = send("DELETE", path, null, -1);
    if (reply.status() != 204 && reply.status() != 202) {
      fail("DELETE " + path + " answered " + reply.status() + ": " + reply.body());
    }
    return reply.status() == 204;
  }

  /** {@code fetch_paginated}: the pagination Accept header, then each {@code next.url} as given until there is none. */
  private List<JsonObject> paginated(String first) {
    List<JsonObject> items = new ArrayList<>();
    String path = first;
    while (path != null) {
      JsonObject page = new JsonObject(send("GET", path, PAGINATION, 200).body());
      page.getJsonArray("items").forEach(item -> items.add((JsonObject) item));
      JsonObject next = page.getJsonObject("_pagination").getJsonObject("next");
      URI url = next == null ? null : URI.create(next.getString("url"));
      path = url == null ? null : url.getRawPath() + "?" + url.getRawQuery();
    }
    return items;
  }

  private Reply send(String method, String path, String accept, int expected) {
    requests.add(method + " " + path);
    Reply reply = http.send(method, path, accept);
    if (expected > 0) {
      assertEquals(expected, reply.status(), () -> method + " " + path + ": " + reply.body());
    }
    return reply;
  }

  private static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
