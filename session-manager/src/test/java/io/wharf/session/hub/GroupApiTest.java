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

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** JupyterHub's groups: create, read, list, members, properties, delete; kept in the database; {@code !group=} filters. */
class GroupApiTest {

  @RegisterExtension
  static final HubServerExtension hub = new HubServerExtension();

  private static HubClient client;
  private static String admin;

  @BeforeAll
  static void users() {
    client = hub.client();
    admin = hub.adminToken();
    for (String name : List.of("g-ann", "g-bob", "g-cy", "g-dan")) {
      hub.user(name);
    }
  }

  private static List<String> members(JsonObject group) {
    return group.getJsonArray("users").stream().map(String.class::cast).toList();
  }

  @Test
  void aGroupIsCreatedWithMembersChangedAndDeleted() {
    JsonObject created = client.post("/hub/api/groups/physics").token(admin).json(new JsonObject().put("users", List.of("g-ann")))
      .send().json(201);
    assertEquals("group", created.getString("kind"));
    assertEquals(List.of("g-ann"), members(created));
    assertEquals(new JsonObject(), created.getJsonObject("properties"));
    client.post("/hub/api/groups/physics").token(admin).send().assertError(409);

    assertEquals(List.of("g-ann", "g-dan"), members(client.post("/hub/api/groups/physics/users").token(admin)
      .json(new JsonObject().put("users", List.of("g-dan", "g-ann"))).send().json(200)));
    client.post("/hub/api/groups/physics/users").token(admin).json(new JsonObject().put("users", List.of("ghost"))).send().assertError(400);
    client.post("/hub/api/groups/physics/users").token(admin).json(new JsonObject()).send().assertError(400);
    assertEquals(List.of("g-dan"), members(client.delete("/hub/api/groups/physics/users").token(admin)
      .json(new JsonObject().put("users", List.of("g-ann"))).send().json(200)));

    JsonObject props = client.put("/hub/api/groups/physics/properties").token(admin).json(new JsonObject().put("lab", "B2")).send()
      .json(200);
    assertEquals(new JsonObject().put("lab", "B2"), props.getJsonObject("properties"));
    assertEquals(new JsonArray().add("physics"),
      client.get("/hub/api/users/g-dan").token(admin).send().json(200).getJsonArray("groups"));

    client.delete("/hub/api/groups/physics").token(admin).send().assertStatus(204);
    client.get("/hub/api/groups/physics").token(admin).send().assertError(404);
    client.delete("/hub/api/groups/physics").token(admin).send().assertError(404);
    assertEquals(new JsonArray(), client.get("/hub/api/users/g-dan").token(admin).send().json(200).getJsonArray("groups"));
  }

  @Test
  void groupsAreListedPagedAndNeedTheirScopes() {
    for (String name : List.of("list-a", "list-b", "list-c")) {
      client.post("/hub/api/groups/" + name).token(admin).send().assertStatus(201);
    }
    List<Object> all = client.get("/hub/api/groups").token(admin).send().array(200).getList();
    assertTrue(all.size() >= 3);
    JsonObject page = client.get("/hub/api/groups?limit=2").token(admin).header("Accept", "application/jupyterhub-pagination+json")
      .send().json(200);
    assertEquals(2, page.getJsonArray("items").size());
    String user = hub.token("g-cy", Scopes.INHERIT);
    client.get("/hub/api/groups").token(user).send().assertError(403);
    client.get("/hub/api/groups/list-a").token(user).send().assertError(403);
    client.post("/hub/api/groups/mine").token(user).send().assertError(403);
    String oneGroup = hub.token(HubOptions.ADMIN, "read:groups!group=list-b", "list:groups!group=list-b");
    assertEquals(1, client.get("/hub/api/groups").token(oneGroup).send().array(200).size());
    client.get("/hub/api/groups/list-b").token(oneGroup).send().json(200);
    client.get("/hub/api/groups/list-a").token(oneGroup).send().assertError(403);
    client.post("/hub/api/groups/UPPER").token(admin).send().assertError(400);
  }

  @Test
  void aGroupFilterReachesItsMembersOnly() {
    client.post("/hub/api/groups/readers").token(admin).json(new JsonObject().put("users", List.of("g-ann"))).send().assertStatus(201);
    String viaGroup = hub.token(HubOptions.ADMIN, "read:users!group=readers");
    client.get("/hub/api/users/g-ann").token(viaGroup).send().json(200);
    client.get("/hub/api/users/g-bob").token(viaGroup).send().assertError(403);
    client.post("/hub/api/groups/readers/users").token(admin).json(new JsonObject().put("users", List.of("g-bob"))).send().json(200);
    client.get("/hub/api/users/g-bob").token(viaGroup).send().json(200);
  }

  @Test
  void groupsAndMembersAreInTheDatabaseAndADeletedUserLeavesThem() throws SQLException {
    hub.user("g-gone");
    client.post("/hub/api/groups/kept").token(admin).json(new JsonObject().put("users", List.of("g-gone", "g-ann"))).send()
      .assertStatus(201);
    String goneId = hub.accountId("g-gone");
    try (Connection db = hub.database(); PreparedStatement query = db.prepareStatement(
      "SELECT account_id FROM user_group_members WHERE group_name = 'kept' ORDER BY account_id")) {
      try (ResultSet rows = query.executeQuery()) {
        int count = 0;
        while (rows.next()) {
          count++;
        }
        assertEquals(2, count, "committed before the 201");
      }
      client.delete("/hub/api/users/g-gone").token(admin).send().assertStatus(204);
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          assertFalse(rows.getString(1).equals(goneId), "the membership went with the account");
        }
      }
    }
    assertEquals(List.of("g-ann"), members(client.get("/hub/api/groups/kept").token(admin).send().json(200)));
    hub.user("g-gone");
    assertEquals(List.of("g-ann"), members(client.get("/hub/api/groups/kept").token(admin).send().json(200)),
      "a new account of the same name is not a member");
  }
}
