package io.wharf.session.hub;

import io.vertx.core.json.JsonArray;
import io.wharf.session.Scopes;
import io.wharf.session.Secrets;
import io.wharf.session.SessionCookies;
import io.wharf.session.testing.HubClient;
import io.wharf.session.testing.HubOptions;
import io.wharf.session.testing.HubServerExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Who may call the hub's API: 403 without valid credentials (as JupyterHub) or without the right, 503 when the store is down. */
class CallersTest {

  @RegisterExtension
  static final HubServerExtension hub = new HubServerExtension();

  /** Read routes of every kind of guard: the caller itself, a user, an admin, a required scope. */
  private static final List<String> ROUTES = List.of("/hub/api/user", "/hub/api/users", "/hub/api/users/alice",
    "/hub/api/users/alice/tokens", "/hub/api/users/alice/profiles", "/hub/api/users/alice/server/progress",
    "/hub/api/instances", "/hub/metrics");

  private static HubClient client;

  @BeforeAll
  static void users() {
    client = hub.client();
    hub.user("alice");
    hub.user("bob");
  }

  private static void assertEveryRoute(UnaryOperator<HubClient.Request> as, int status) {
    for (String route : ROUTES) {
      String message = as.apply(client.get(route)).send().assertError(status);
      assertTrue(message.length() < 200, message);
    }
  }

  @Test
  void withoutCredentialsEveryRouteAnswers403() {
    assertEveryRoute(request -> request, 403);
    // A state-changing request that passes the CSRF check but carries no credentials.
    client.post("/hub/api/users/alice/server").xsrf().send().assertError(403);
    client.delete("/hub/api/users/alice").xsrf().send().assertError(403);
  }

  @Test
  void aForgedOrExpiredCookieIs403() {
    client.get("/hub/api/user").session(hub.cookie("alice")).send().json(200);
    byte[] otherKey = Secrets.randomHex(32).getBytes(StandardCharsets.US_ASCII);
    String forged = SessionCookies.create(List.of(otherKey), Duration.ofHours(1)).issue("alice", "id-of-alice");
    String expired = hub.cookies(Duration.ofHours(-1)).issue("alice", "id-of-alice");
    for (String cookie : List.of(forged, expired, "not-a-signed-cookie")) {
      assertEveryRoute(request -> request.session(cookie), 403);
    }
  }

  @Test
  void aCookieOfADeletedAccountIs403() {
    String cookie = hub.cookie(hub.user("gone"));
    client.delete("/hub/api/users/gone").token(hub.adminToken()).send().assertStatus(204);
    client.get("/hub/api/user").session(cookie).send().assertError(403);
  }

  @Test
  void anUnknownOrExpiredTokenIs403() {
    String valid = hub.token("alice", Scopes.READ_USERS);
    assertEquals("alice", client.get("/hub/api/user").header("Authorization", "Bearer " + valid).send().json(200).getString("name"));
    String unknown = Secrets.randomHex(32);
    String expired = hub.expiredToken("alice", Scopes.READ_USERS, Scopes.SERVERS, Scopes.TOKENS);
    for (String token : List.of(unknown, expired)) {
      assertEveryRoute(request -> request.token(token), 403);
    }
  }

  @Test
  void aTokenLackingTheScopeIs403() {
    String tokensOnly = hub.token("alice", Scopes.TOKENS);
    client.get("/hub/api/users/alice/tokens").token(tokensOnly).send().json(200);
    // Any valid token may ask who it is (JupyterHub's /user needs no scope): it sees its own scopes.
    assertEquals(new JsonArray().add("read:tokens!user=alice").add("tokens!user=alice"),
      client.get("/hub/api/user").token(tokensOnly).send().json(200).getJsonArray("scopes"));
    client.get("/hub/api/users").token(tokensOnly).send().assertError(403);
    String message = client.get("/hub/api/users/alice").token(tokensOnly).send().assertError(403);
    assertTrue(message.contains(Scopes.READ_USERS), message);
    client.post("/hub/api/users/alice/server").token(tokensOnly).send().assertError(403);
    client.get("/hub/metrics").token(hub.token(HubOptions.ADMIN, Scopes.READ_USERS)).send().assertError(403);
  }

  @Test
  void aUserActingOnAnotherUserIs403() {
    String alice = hub.token("alice", Scopes.SERVERS, Scopes.READ_USERS, Scopes.TOKENS);
    String cookie = hub.cookie("alice");
    client.get("/hub/api/users/bob").token(alice).send().assertError(403);
    client.get("/hub/api/users/bob").session(cookie).send().assertError(403);
    client.get("/hub/api/users/bob/tokens").token(alice).send().assertError(403);
    client.post("/hub/api/users/bob/tokens").token(alice).send().assertError(403);
    client.post("/hub/api/users/bob/server").token(alice).send().assertError(403);
    client.post("/hub/api/users/bob/server").session(cookie).xsrf().send().assertError(403);
    client.delete("/hub/api/users/bob/servers/lab").token(alice).send().assertError(403);
    client.get("/hub/api/users/bob/server/progress").token(alice).send().assertError(403);
    assertTrue(hub.containers().launches().stream().noneMatch(l -> l.user().equals("bob")));
  }

  @Test
  void aNonAdminOnAdminRoutesIs403() {
    String alice = hub.token("alice", Scopes.SERVERS, Scopes.READ_USERS, Scopes.TOKENS);
    // A token naming admin scopes gives them to nobody but an admin.
    String overreaching = hub.token("alice", Scopes.ADMIN_USERS, Scopes.READ_METRICS, Scopes.READ_USERS);
    for (String token : List.of(alice, overreaching)) {
      client.post("/hub/api/users").token(token).json("{\"usernames\": [\"zed\"]}").send().assertError(403);
      client.post("/hub/api/users/zed").token(token).json("{\"password\": \"long-enough\"}").send().assertError(403);
      client.delete("/hub/api/users/bob").token(token).send().assertError(403);
      client.get("/hub/api/instances").token(token).send().assertError(403);
      client.post("/hub/api/instances/local/drain").token(token).send().assertError(403);
      client.get("/hub/metrics").token(token).send().assertError(403);
    }
    client.post("/hub/api/users/zed").session(hub.cookie("alice")).xsrf().json("{\"password\": \"long-enough\"}").send()
      .assertError(403);
    client.get("/hub/api/users/zed").token(hub.adminToken()).send().assertError(404);
    client.get("/hub/api/users/bob").token(hub.adminToken()).send().json(200);
  }

  @Test
  void aFailingStoreIs503OnEveryRouteForTokens() {
    String admin = hub.adminToken();
    client.get("/hub/metrics").token(admin).send().assertStatus(200);
    hub.state().failing(true);
    assertEveryRoute(request -> request.token(admin), 503);
    client.post("/hub/api/users/alice/server").token(admin).send().assertError(503);
  }

  @Test
  void aFailingStoreIs503WhereverACookieCallerNeedsIt() {
    String admin = hub.cookie(HubOptions.ADMIN);
    String alice = hub.cookie("alice");
    hub.state().failing(true);
    for (String cookie : List.of(admin, alice)) {
      client.get("/hub/api/user").session(cookie).send().assertError(503);
      client.get("/hub/api/users").session(cookie).send().assertError(503);
      client.get("/hub/api/users/alice").session(cookie).send().assertError(503);
      client.get("/hub/api/users/alice/tokens").session(cookie).send().assertError(503);
      client.post("/hub/api/users/alice/server").session(cookie).xsrf().send().assertError(503);
      client.delete("/hub/api/users/alice/server").session(cookie).xsrf().send().assertError(503);
    }
    client.get("/hub/api/instances").session(admin).send().assertError(503);
  }
}
