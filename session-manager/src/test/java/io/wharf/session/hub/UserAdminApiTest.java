package io.wharf.session.hub;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wharf.session.Scopes;
import io.wharf.session.Secrets;
import io.wharf.session.store.ApiToken;
import io.wharf.session.testing.HubClient;
import io.wharf.session.testing.HubServerExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Creating and deleting users: {@code POST /hub/api/users}, {@code POST/DELETE /hub/api/users/{name}}. */
class UserAdminApiTest {

  @RegisterExtension
  static final HubServerExtension hub = new HubServerExtension();

  private static HubClient client;
  private static String admin;

  @BeforeAll
  static void users() {
    client = hub.client();
    admin = hub.adminToken();
    hub.user("alice");
  }

  private static HubClient.Request create(String name, Object body) {
    return client.post("/hub/api/users/" + name).token(admin).json(body);
  }

  private static HubClient.Request createMany(Object body) {
    return client.post("/hub/api/users").token(admin).json(body);
  }

  private static boolean exists(String name) {
    return client.get("/hub/api/users/" + name).token(admin).send().status() == 200;
  }

  @Test
  void anAdminCreatesAUserWhoCanThenLogIn() throws SQLException {
    JsonObject dave = create("dave", new JsonObject().put("password", "dave-password")).send().json(201);
    assertEquals("user", dave.getString("kind"));
    assertEquals("dave", dave.getString("name"));
    assertEquals(false, dave.getValue("admin"));
    assertEquals(new JsonObject(), dave.getJsonObject("servers"));

    String token = client.xsrfToken();
    client.post("/hub/login").cookie(HubClient.XSRF_COOKIE, token)
      .form("username", "dave", "password", "dave-password", HubClient.XSRF_HEADER, token).send()
      .assertRedirect("/hub/spawn-pending/dave");
    try (Connection db = hub.database();
         ResultSet row = db.createStatement().executeQuery("SELECT id, password_hash FROM accounts WHERE name = 'dave'")) {
      assertTrue(row.next(), "committed to the database");
      assertEquals(hub.accountId("dave"), row.getString(1));
      assertTrue(row.getString(2).startsWith("pbkdf2-sha256$"), "only as a hash");
      assertFalse(row.getString(2).contains("dave-password"));
    }
  }

  @Test
  void anAdminCreatedWithAdminTrueIsAnAdmin() {
    assertEquals(true, create("root2", new JsonObject().put("password", "long-enough").put("admin", true)).send()
      .json(201).getValue("admin"));
    client.get("/hub/api/instances").session(hub.cookie("root2")).send().json(200);
  }

  @Test
  void bulkCreationCreatesTheNewNamesOnly() {
    JsonArray created = createMany(new JsonObject().put("usernames", new JsonArray().add("erin").add("frank").add("erin"))).send()
      .array(201);
    assertEquals(List.of("erin", "frank"), created.stream().map(u -> ((JsonObject) u).getString("name")).toList());
    assertEquals("user", created.getJsonObject(0).getString("kind"));

    created = createMany(new JsonObject().put("usernames", new JsonArray().add("erin").add("gina")).put("admin", true)).send().array(201);
    assertEquals(1, created.size());
    assertEquals("gina", created.getJsonObject(0).getString("name"));
    assertEquals(true, created.getJsonObject(0).getValue("admin"));

    createMany(new JsonObject().put("usernames", new JsonArray().add("erin").add("gina"))).send().assertError(409);
  }

  @Test
  void anExistingUserIs409() {
    String message = create("alice", new JsonObject().put("password", "another-password")).send().assertError(409);
    assertTrue(message.contains("alice"), message);
  }

  @Test
  void invalidNamesAre400() {
    for (String name : List.of("Upper", "-dash", "sp%20ace", "a".repeat(65))) {
      create(name, new JsonObject().put("password", "long-enough")).send().assertError(400);
    }
    createMany(new JsonObject().put("usernames", new JsonArray().add("fine-name").add("Not Fine"))).send().assertError(400);
    createMany(new JsonObject().put("usernames", new JsonArray().add("fine-name").add(5))).send().assertError(400);
    assertFalse(exists("fine-name"), "a bulk request with one bad name creates none");
  }

  @Test
  void shortOrMissingPasswordsAre400() {
    for (Object body : List.of(new JsonObject().put("password", "short"), new JsonObject(), new JsonObject().put("password", 12345678),
      "")) {
      String message = create("henry", body).send().assertError(400);
      assertTrue(message.contains("password"), message);
    }
    createMany(new JsonObject().put("usernames", new JsonArray().add("henry")).put("password", "short")).send().assertError(400);
    createMany(new JsonObject().put("usernames", new JsonArray().add("henry")).put("password", 5)).send().assertError(400);
    assertFalse(exists("henry"));
  }

  @Test
  void wrongTypesAre400() {
    create("ivy", new JsonObject().put("password", "long-enough").put("admin", "yes")).send().assertError(400);
    create("ivy", new JsonArray().add("long-enough")).send().assertError(400);
    create("ivy", "not json").send().assertError(400);
    createMany(new JsonObject().put("usernames", "ivy")).send().assertError(400);
    createMany(new JsonObject().put("usernames", new JsonArray())).send().assertError(400);
    createMany(new JsonObject().put("usernames", new JsonArray().add("ivy")).put("admin", "yes")).send().assertError(400);
    createMany(new JsonArray().add("ivy")).send().assertError(400);
    createMany("{\"usernames\": [\"ivy\"").send().assertError(400);
    assertFalse(exists("ivy"));
  }

  @Test
  void anOversizedBodyIs413() {
    String body = new JsonObject().put("password", "x".repeat(70 * 1024)).encode();
    create("jack", body).send().assertError(413);
    assertFalse(exists("jack"));
  }

  @Test
  void deletingAnUnknownUserIs404() {
    client.delete("/hub/api/users/nobody").token(admin).send().assertError(404);
  }

  @Test
  void deletingAUserStopsTheirServersFirst() {
    hub.user("kate");
    client.post("/hub/api/users/kate/server").token(admin).send().assertStatus(202);
    client.post("/hub/api/users/kate/servers/lab").token(admin).send().assertStatus(202);
    List<String> containers = List.of(hub.state().server("kate", "").containerId(), hub.state().server("kate", "lab").containerId());

    client.delete("/hub/api/users/kate").token(admin).send().assertStatus(204);
    assertTrue(hub.containers().stopped().containsAll(containers), () -> "stopped: " + hub.containers().stopped());
    assertNull(hub.state().server("kate", ""));
    assertNull(hub.state().server("kate", "lab"));
    client.get("/hub/api/users/kate").token(admin).send().assertError(404);
  }

  @Test
  void aDeletedUsersTokensDoNotPassToANewAccountOfTheSameName() {
    hub.user("liam");
    String old = hub.token("liam", Scopes.READ_USERS);
    client.delete("/hub/api/users/liam").token(admin).send().assertStatus(204);
    hub.user("liam");
    client.get("/hub/api/user").token(old).send().assertError(403);
  }

  @Test
  void deletingAUserDeletesTheAccountAndItsTokensFromTheDatabase() throws SQLException {
    hub.user("mia");
    String id = hub.accountId("mia");
    client.post("/hub/api/users/mia/tokens").token(admin).json(new JsonObject()).send().assertStatus(201);
    assertEquals(1, rows("SELECT COUNT(*) FROM api_tokens WHERE account_id = ?", id));

    client.delete("/hub/api/users/mia").token(admin).send().assertStatus(204);
    assertEquals(0, rows("SELECT COUNT(*) FROM accounts WHERE id = ?", id));
    assertEquals(0, rows("SELECT COUNT(*) FROM api_tokens WHERE account_id = ?", id));
    assertNull(hub.accountId("mia"));
  }

  @Test
  void aTokenOfTheOldAccountIsRefusedEvenIfTheCacheStillHeldIt() {
    hub.user("noah");
    String oldId = hub.accountId("noah");
    client.delete("/hub/api/users/noah").token(admin).send().assertStatus(204);
    hub.user("noah");
    String newId = hub.accountId("noah");
    assertFalse(newId.equals(oldId), "a re-created name gets a new id");

    String lingering = cachedToken("noah", oldId);
    String current = cachedToken("noah", newId);
    client.get("/hub/api/user").token(lingering).send().assertError(403);
    assertEquals("noah", client.get("/hub/api/user").token(current).send().json(200).getString("name"));
  }

  /** A token put straight into the cache, bound to {@code accountId}; returns its secret. */
  private static String cachedToken(String user, String accountId) {
    String secret = Secrets.randomHex(32);
    HubServerExtension.await(hub.state().shared().tokens().saveToken(new ApiToken(secret.substring(0, 12), user, accountId,
      Secrets.sha256Hex(secret), Set.of(Scopes.READ_USERS), "", System.currentTimeMillis(), 0)));
    return secret;
  }

  private static int rows(String sql, String id) throws SQLException {
    try (Connection db = hub.database(); PreparedStatement query = db.prepareStatement(sql)) {
      query.setString(1, id);
      try (ResultSet row = query.executeQuery()) {
        row.next();
        return row.getInt(1);
      }
    }
  }
}
