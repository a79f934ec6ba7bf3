package io.wharf.session.hub;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wharf.session.Scopes;
import io.wharf.session.testing.HubClient;
import io.wharf.session.testing.HubOptions;
import io.wharf.session.testing.HubServerExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading users: {@code GET /hub/api/user}, {@code /hub/api/users} and {@code /hub/api/users/{name}}. */
class UserApiTest {

  @RegisterExtension
  static final HubServerExtension hub = new HubServerExtension();

  private static final List<String> USERS = List.of("alice", "bob", "carol", "dave", "erin");

  private static HubClient client;

  @BeforeAll
  static void users() {
    client = hub.client();
    USERS.forEach(hub::user);
  }

  private static List<String> names(JsonArray users) {
    return users.stream().map(u -> ((JsonObject) u).getString("name")).toList();
  }

  @Test
  void aUserModelHasJupyterHubsShape() {
    hub.user("bonnie");
    assertNull(client.get("/hub/api/users/bonnie").token(hub.adminToken()).send().json(200).getValue("last_activity"),
      "no server and no call: no activity");
    JsonObject bob = client.get("/hub/api/users/bonnie").token(hub.token("bonnie", Scopes.READ_USERS)).send().json(200);
    assertEquals("user", bob.getString("kind"));
    assertEquals("bonnie", bob.getString("name"));
    assertEquals(false, bob.getValue("admin"));
    assertFalse(bob.containsKey("servers"), "read:users without read:servers shows no servers");
    assertEquals(new JsonObject(), client.get("/hub/api/users/bonnie").token(hub.token("bonnie", Scopes.READ_USERS, Scopes.READ_SERVERS))
      .send().json(200).getJsonObject("servers"));
    assertNotNull(Instant.parse(bob.getString("last_activity")), "the call itself is activity, as in JupyterHub");
    assertNull(bob.getValue("server"));
    assertNull(bob.getValue("pending"));
    assertNotNull(Instant.parse(bob.getString("created")));
    assertEquals(new JsonArray(), bob.getJsonArray("groups"));
  }

  @Test
  void aModelShowsTheServersAndTheActivityRoutersObserved() {
    String token = hub.token("carol", Scopes.READ_USERS, Scopes.SERVERS);
    client.post("/hub/api/users/carol/server").token(token).send().assertStatus(202);
    long seen = System.currentTimeMillis() + 60_000;
    hub.state().activityMap().put("carol/", seen);

    JsonObject carol = client.get("/hub/api/users/carol").token(token).send().json(200);
    JsonObject server = carol.getJsonObject("servers").getJsonObject("");
    assertEquals("", server.getString("name"));
    assertEquals(true, server.getValue("ready"));
    assertEquals("/user/carol/", server.getString("url"));
    assertEquals("/hub/api/users/carol/server/progress", server.getString("progress_url"));
    assertEquals(Instant.ofEpochMilli(seen).toString(), server.getString("last_activity"));
    assertEquals(Instant.ofEpochMilli(seen).toString(), carol.getString("last_activity"));
    assertEquals("/user/carol/", carol.getString("server"));
  }

  @Test
  void selfIsTheCallersOwnModel() {
    assertEquals("dave", client.get("/hub/api/user").session(hub.cookie("dave")).send().json(200).getString("name"));
    JsonObject admin = client.get("/hub/api/user").token(hub.adminToken()).send().json(200);
    assertEquals(HubOptions.ADMIN, admin.getString("name"));
    assertEquals(true, admin.getValue("admin"));
  }

  @Test
  void selfCarriesTheCallersScopesAndTokenIdAndNoSessionId() {
    JsonObject created = client.post("/hub/api/users/dave/tokens").token(hub.adminToken())
      .json(new JsonObject().put("scopes", new JsonArray().add("read:users!user=dave"))).send().json(201);
    JsonObject viaToken = client.get("/hub/api/user").token(created.getString("token")).send().json(200);
    assertEquals("dave", viaToken.getString("name"));
    assertNotNull(created.getString("id"));
    assertEquals(created.getString("id"), viaToken.getString("token_id"));
    assertTrue(viaToken.getJsonArray("scopes").contains("read:users!user=dave"), viaToken::encode);
    assertFalse(viaToken.getJsonArray("scopes").contains("servers!user=dave"), "only what the token holds: " + viaToken.encode());
    assertTrue(viaToken.containsKey("session_id") && viaToken.getValue("session_id") == null, viaToken::encode);
    JsonObject viaCookie = client.get("/hub/api/user").session(hub.cookie("dave")).send().json(200);
    assertNull(viaCookie.getValue("token_id"));
    assertTrue(viaCookie.getJsonArray("scopes").contains("servers!user=dave"), viaCookie::encode);
  }

  @Test
  void anAdminListsEveryUserByNameInPages() {
    String admin = hub.adminToken();
    List<String> all = names(client.get("/hub/api/users?sort=name").token(admin).send().array(200));
    assertTrue(all.containsAll(USERS) && all.contains(HubOptions.ADMIN), all::toString);
    assertEquals(all.stream().sorted().toList(), all);

    assertEquals(all.subList(1, 3), names(client.get("/hub/api/users?sort=name&offset=1&limit=2").token(admin).send().array(200)));
    assertEquals(all.subList(all.size() - 1, all.size()),
      names(client.get("/hub/api/users?sort=name&offset=" + (all.size() - 1)).token(admin).send().array(200)));
    assertEquals(List.of(), names(client.get("/hub/api/users?sort=name&offset=1000").token(admin).send().array(200)));
    assertEquals(all.subList(0, 1), names(client.get("/hub/api/users?sort=name&limit=0").token(admin).send().array(200)));
  }

  @Test
  void aUserMayNotListUsersAsInJupyterHub() {
    // self holds no list:users: a user reads themself, not the list.
    String erin = hub.token("erin", Scopes.READ_USERS);
    client.get("/hub/api/users").token(erin).send().assertError(403);
    client.get("/hub/api/users").session(hub.cookie("erin")).send().assertError(403);
    client.get("/hub/api/users/erin").token(erin).send().json(200);
  }

  @Test
  void pagingParametersThatAreNotNumbersAre400() {
    for (String query : List.of("offset=x", "limit=ten", "limit=1.5", "offset=", "offset=99999999999")) {
      String message = client.get("/hub/api/users?" + query).token(hub.adminToken()).send().assertError(400);
      assertTrue(message.contains("offset and limit"), message);
    }
  }

  @Test
  void anUnknownUserIs404() {
    String message = client.get("/hub/api/users/nobody").token(hub.adminToken()).send().assertError(404);
    assertTrue(message.contains("nobody"), message);
  }
}
