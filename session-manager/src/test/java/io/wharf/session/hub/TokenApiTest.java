package io.wharf.session.hub;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wharf.session.Scopes;
import io.wharf.session.Secrets;
import io.wharf.session.testing.HubClient;
import io.wharf.session.testing.HubOptions;
import io.wharf.session.testing.HubReply;
import io.wharf.session.testing.HubServerExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** API tokens: {@code POST/GET /hub/api/users/{name}/tokens} and {@code GET/DELETE …/tokens/{id}}. */
class TokenApiTest {

  @RegisterExtension
  static final HubServerExtension hub = new HubServerExtension();

  private static HubClient client;

  @BeforeAll
  static void users() {
    client = hub.client();
    hub.user("alice");
    hub.user("bob");
  }

  private static JsonArray listed(String user, String token) {
    return client.get("/hub/api/users/" + user + "/tokens").token(token).send().json(200).getJsonArray("api_tokens");
  }

  private static int count(String user) {
    return hub.tokensOf(user).size();
  }

  @Test
  void aNewTokenShowsItsSecretOnceAndIsListedWithout() {
    long before = System.currentTimeMillis();
    JsonObject created = client.post("/hub/api/users/alice/tokens").session(hub.cookie("alice")).xsrf()
      .json(new JsonObject().put("note", "ci").put("scopes", new JsonArray().add("servers")).put("expires_in", 3600)).send().json(201);
    String secret = created.getString("token");
    assertTrue(secret.matches("[0-9a-f]{64}"), secret);
    assertEquals("api_token", created.getString("kind"));
    assertEquals("alice", created.getString("user"));
    assertEquals("ci", created.getString("note"));
    // Shown as it takes effect: the owner's own servers, with the scopes servers implies.
    assertEquals(new JsonArray().add("delete:servers!user=alice").add("read:servers!user=alice").add("read:users:name!user=alice")
      .add("servers!user=alice"), created.getJsonArray("scopes"));
    assertEquals(new JsonArray(), created.getJsonArray("roles"));
    assertTrue(created.containsKey("last_activity") && created.containsKey("session_id"), created::encode);
    long expires = Instant.parse(created.getString("expires_at")).toEpochMilli();
    assertTrue(expires >= before + 3_600_000 && expires <= System.currentTimeMillis() + 3_600_000, created::encode);

    // It holds what it was given, and no more.
    client.post("/hub/api/users/alice/servers/viatoken").token(secret).send().assertStatus(202);
    client.get("/hub/api/users/alice/tokens").token(secret).send().assertError(403);
    client.post("/hub/api/users/bob/servers/viatoken").token(secret).send().assertError(403);

    String id = created.getString("id");
    HubReply list = client.get("/hub/api/users/alice/tokens").session(hub.cookie("alice")).send();
    assertEquals(new JsonArray(), list.json(200).getJsonArray("oauth_tokens"));
    JsonObject listedToken = list.json().getJsonArray("api_tokens").stream().map(JsonObject.class::cast)
      .filter(t -> t.getString("id").equals(id)).findFirst().orElseThrow();
    assertFalse(listedToken.containsKey("token"));
    assertFalse(list.body().contains(secret), "the list never shows a secret");
    JsonObject one = client.get("/hub/api/users/alice/tokens/" + id).session(hub.cookie("alice")).send().json(200);
    assertEquals(id, one.getString("id"));
    assertFalse(one.containsKey("token"));
  }

  @Test
  void aPostWithoutABodyGrantsWhatTheCallerHolds() {
    JsonObject all = client.post("/hub/api/users/alice/tokens").session(hub.cookie("alice")).xsrf().send().json(201);
    // inherit: everything alice holds, on herself only.
    List<String> inherited = all.getJsonArray("scopes").stream().map(String.class::cast).toList();
    assertTrue(inherited.containsAll(List.of("servers!user=alice", "tokens!user=alice", "read:users!user=alice",
      "access:servers!user=alice", "users:activity!user=alice")), inherited::toString);
    assertTrue(inherited.stream().allMatch(s -> s.endsWith("!user=alice")), inherited::toString);
    assertNull(all.getValue("expires_at"), "no expiry asked: none");
    String narrow = hub.token("alice", Scopes.TOKENS, Scopes.READ_USERS);
    JsonObject derived = client.post("/hub/api/users/alice/tokens").token(narrow).send().json(201);
    assertEquals(new JsonArray().add("read:tokens!user=alice").add("read:users!user=alice").add("read:users:activity!user=alice")
      .add("read:users:groups!user=alice").add("read:users:name!user=alice").add("tokens!user=alice"), derived.getJsonArray("scopes"));
  }

  @Test
  void anAdminManagesAnotherUsersTokensWithUserScopesOnly() {
    String admin = hub.adminToken();
    JsonObject made = client.post("/hub/api/users/bob/tokens").token(admin).json("{}").send().json(201);
    assertEquals("bob", made.getString("user"));
    List<String> bobs = made.getJsonArray("scopes").stream().map(String.class::cast).toList();
    assertTrue(bobs.contains("servers!user=bob") && bobs.stream().allMatch(s -> s.endsWith("!user=bob")), bobs::toString);
    assertTrue(listed("bob", admin).stream().anyMatch(t -> ((JsonObject) t).getString("id").equals(made.getString("id"))));
    client.post("/hub/api/users/bob/tokens").token(admin).json("{\"scopes\": [\"admin:users\"]}").send().assertError(400);
    client.post("/hub/api/users/" + HubOptions.ADMIN + "/tokens").token(admin).json("{\"scopes\": [\"admin:users\"]}").send()
      .json(201);
  }

  @Test
  void rolesGiveTheirScopesAndFilteredScopesAreKept() {
    String alice = hub.token("alice", Scopes.INHERIT);
    JsonObject viaRole = client.post("/hub/api/users/alice/tokens").token(alice).json("{\"roles\": [\"user\"]}").send().json(201);
    assertTrue(viaRole.getJsonArray("scopes").contains("servers!user=alice"), viaRole::encode);
    client.post("/hub/api/users/alice/tokens").token(alice).json("{\"roles\": [\"wizard\"]}").send().assertError(400);
    client.post("/hub/api/users/alice/tokens").token(alice).json("{\"roles\": [\"admin\"]}").send().assertError(400);
    client.post("/hub/api/users/alice/tokens").token(alice).json("{\"roles\": [\"user\"], \"scopes\": []}").send().assertError(400);
    JsonObject one = client.post("/hub/api/users/alice/tokens").token(alice).json("{\"scopes\": [\"servers!server=alice/lab\"]}").send()
      .json(201);
    assertTrue(one.getJsonArray("scopes").contains("servers!server=alice/lab"), one::encode);
    String lab = one.getString("token");
    client.post("/hub/api/users/alice/servers/lab").token(lab).send().assertStatus(202);
    client.post("/hub/api/users/alice/server").token(lab).send().assertError(403);
    client.delete("/hub/api/users/alice/servers/lab").token(lab).send().assertStatus(204);
    client.post("/hub/api/users/alice/tokens").token(alice).json("{\"scopes\": [\"servers!user=bob\"]}").send().assertError(400);
  }

  @Test
  void aTokensUseSetsItsAndItsOwnersLastActivity() {
    hub.user("tina");
    String owner = hub.token("tina", Scopes.TOKENS);
    JsonObject created = client.post("/hub/api/users/tina/tokens").token(owner).json("{\"scopes\": [\"tokens\"]}").send().json(201);
    assertNull(created.getValue("last_activity"), "never used");
    String id = created.getString("id");
    assertNull(client.get("/hub/api/users/tina/tokens/" + id).token(owner).send().json(200).getValue("last_activity"));
    client.get("/hub/api/users/tina/tokens").token(created.getString("token")).send().json(200);
    JsonObject used = client.get("/hub/api/users/tina/tokens/" + id).token(owner).send().json(200);
    assertTrue(Instant.parse(used.getString("last_activity")).isAfter(Instant.now().minusSeconds(60)), used::encode);
    JsonObject listed = client.get("/hub/api/users/tina/tokens").token(owner).send().json(200).getJsonArray("api_tokens").stream()
      .map(JsonObject.class::cast).filter(t -> t.getString("id").equals(id)).findFirst().orElseThrow();
    assertEquals(used.getString("last_activity"), listed.getString("last_activity"));
    assertNotNull(client.get("/hub/api/users/tina").token(hub.adminToken()).send().json(200).getString("last_activity"),
      "the owner was active through the API");
  }

  @Test
  void anUnknownTokenIdIs404() {
    String alice = hub.token("alice", Scopes.TOKENS);
    String bobs = client.post("/hub/api/users/bob/tokens").token(hub.token("bob", Scopes.TOKENS)).send().json(201).getString("id");
    for (String id : List.of("nope", bobs)) {
      client.get("/hub/api/users/alice/tokens/" + id).token(alice).send().assertError(404);
      client.delete("/hub/api/users/alice/tokens/" + id).token(alice).send().assertError(404);
    }
    client.get("/hub/api/users/bob/tokens/" + bobs).token(hub.adminToken()).send().json(200);
  }

  @Test
  void aRevokedTokenNoLongerAuthenticates() {
    String owner = hub.token("bob", Scopes.TOKENS);
    JsonObject created = client.post("/hub/api/users/bob/tokens").token(owner).json("{\"scopes\": [\"tokens\"]}").send().json(201);
    String secret = created.getString("token");
    client.get("/hub/api/users/bob/tokens").token(secret).send().json(200);

    client.delete("/hub/api/users/bob/tokens/" + created.getString("id")).token(owner).send().assertStatus(204);
    client.get("/hub/api/users/bob/tokens").token(secret).send().assertError(403);
    client.get("/hub/api/users/bob/tokens/" + created.getString("id")).token(owner).send().assertError(404);
    client.get("/hub/api/users/bob/tokens").token(owner).send().json(200);
  }

  @Test
  void malformedRequestsAre400AndCreateNothing() {
    String alice = hub.token("alice", Scopes.TOKENS, Scopes.SERVERS);
    int before = count("alice");
    List<String> bodies = List.of("{\"scopes\": \"servers\"}", "{\"scopes\": {\"servers\": true}}", "{\"expires_in\": -100}",
      "{\"expires_in\": \"x\"}", "{\"expires_in\": 1.5}", "{\"note\": 5}", "{\"scopes\": [\"root\"]}", "[\"servers\"]", "not json");
    for (String body : bodies) {
      client.post("/hub/api/users/alice/tokens").token(alice).json(body).send().assertError(400);
    }
    assertTrue(client.post("/hub/api/users/alice/tokens").token(alice).json("{\"scopes\": [\"root\"]}").send().assertError(400)
      .contains("unknown scope"));
    assertEquals(before, count("alice"));
  }

  @Test
  void aScopeTheCallerDoesNotHoldIs400() {
    String tokensOnly = hub.token("alice", Scopes.TOKENS);
    int before = count("alice");
    String message = client.post("/hub/api/users/alice/tokens").token(tokensOnly).json("{\"scopes\": [\"servers\"]}").send()
      .assertError(400);
    assertTrue(message.contains("servers"), message);
    client.post("/hub/api/users/alice/tokens").session(hub.cookie("alice")).xsrf().json("{\"scopes\": [\"admin:users\"]}").send()
      .assertError(400);
    client.post("/hub/api/users/alice/tokens").session(hub.cookie("alice")).xsrf().json("{\"scopes\": [\"read:metrics\"]}").send()
      .assertError(400);
    assertEquals(before, count("alice"));
  }

  @Test
  void aTokenIsInTheDatabaseWhenItsCreationIsAnsweredAndGoneWhenRevoked() throws SQLException {
    String owner = hub.token("bob", Scopes.TOKENS);
    JsonObject created = client.post("/hub/api/users/bob/tokens").token(owner).json("{\"note\": \"kept\"}").send().json(201);
    String hash = Secrets.sha256Hex(created.getString("token"));
    try (Connection db = hub.database(); PreparedStatement query = db.prepareStatement(
      "SELECT account_id, scopes, note FROM api_tokens WHERE token_hash = ?")) {
      query.setString(1, hash);
      try (ResultSet row = query.executeQuery()) {
        assertTrue(row.next(), "committed before the 201");
        assertEquals(hub.accountId("bob"), row.getString(1));
        assertEquals("read:tokens!user=bob tokens!user=bob", row.getString(2), "what the creating token held of bob's");
        assertEquals("kept", row.getString(3));
      }
      client.delete("/hub/api/users/bob/tokens/" + created.getString("id")).token(owner).send().assertStatus(204);
      try (ResultSet row = query.executeQuery()) {
        assertFalse(row.next(), "revoked in the database too");
      }
    }
  }

  @Test
  void tokensOfAUserWhoDoesNotExistAre404() {
    String admin = hub.adminToken();
    client.post("/hub/api/users/ghost/tokens").token(admin).json("{}").send().assertError(404);
    client.get("/hub/api/users/ghost/tokens").token(admin).send().assertError(404);
  }
}
