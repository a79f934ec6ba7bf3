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

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code GET /hub/api/users} as JupyterHub 5 answers it: state, name_filter, sort, offset, limit and the pagination envelope. */
class UserListTest {

  private static final String PAGINATION = "application/jupyterhub-pagination+json";

  @RegisterExtension
  static final HubServerExtension hub = new HubServerExtension();

  private static HubClient client;
  private static String admin;

  @BeforeAll
  static void users() {
    client = hub.client();
    admin = hub.adminToken();
    for (String name : List.of("list-ann", "list-bob", "list-cy", "list-dee", "other")) {
      hub.user(name);
    }
    client.post("/hub/api/users/list-bob/server").token(admin).send().assertStatus(202);
    client.post("/hub/api/users/list-dee/servers/lab").token(admin).send().assertStatus(202);
    hub.containers().holdLaunches(true);
    client.post("/hub/api/users/list-cy/server").token(admin).send().assertStatus(202);
    hub.containers().holdLaunches(false);
  }

  private static List<String> names(JsonArray users) {
    return users.stream().map(u -> ((JsonObject) u).getString("name")).toList();
  }

  private static List<String> list(String query) {
    return names(client.get("/hub/api/users?" + query).token(admin).send().array(200));
  }

  @Test
  void stateSelectsReadyActiveOrInactiveUsers() {
    assertEquals(List.of("list-bob", "list-dee"), list("name_filter=list&state=ready&sort=name"));
    assertEquals(List.of("list-bob", "list-cy", "list-dee"), list("name_filter=list&state=active&sort=name"));
    assertEquals(List.of("list-ann"), list("name_filter=list&state=inactive&sort=name"));
    assertTrue(client.get("/hub/api/users?state=sleeping").token(admin).send().assertError(400).contains("state"));
  }

  @Test
  void nameFilterIsASubstringAndSortOrdersEitherWay() {
    assertEquals(List.of("list-ann", "list-bob", "list-cy", "list-dee"), list("name_filter=LIST&sort=name"));
    assertEquals(List.of("list-dee", "list-cy", "list-bob", "list-ann"), list("name_filter=list&sort=-name"));
    assertEquals(List.of("list-ann", "list-bob", "list-cy", "list-dee"), list("name_filter=list"), "id: the order of creation");
    // list-bob's and list-dee's servers have activity; those never active come first.
    List<String> byActivity = list("name_filter=list&sort=last_activity");
    assertEquals(List.of("list-ann"), byActivity.subList(0, 1), byActivity::toString);
    assertEquals("list-ann", list("name_filter=list&sort=-last_activity").get(3));
    client.get("/hub/api/users?sort=age").token(admin).send().assertError(400);
  }

  @Test
  void thePaginationEnvelopeLinksTheNextPageUntilTheLast() {
    JsonObject first = client.get("/hub/api/users?name_filter=list&limit=3").token(admin).header("Accept", PAGINATION).send().json(200);
    assertEquals(List.of("list-ann", "list-bob", "list-cy"), names(first.getJsonArray("items")));
    JsonObject pagination = first.getJsonObject("_pagination");
    assertEquals(0, pagination.getInteger("offset"));
    assertEquals(3, pagination.getInteger("limit"));
    assertEquals(4, pagination.getInteger("total"));
    URI next = URI.create(pagination.getJsonObject("next").getString("url"));
    assertTrue(next.isAbsolute(), next::toString);
    assertTrue(next.getQuery().contains("name_filter=list") && next.getQuery().contains("offset=3"), next::toString);
    JsonObject second = client.get(next.getRawPath() + "?" + next.getRawQuery()).token(admin).header("Accept", PAGINATION).send()
      .json(200);
    assertEquals(List.of("list-dee"), names(second.getJsonArray("items")));
    assertNull(second.getJsonObject("_pagination").getValue("next"));
  }

  @Test
  void withoutTheEnvelopeALimitStillApplies() {
    assertEquals(List.of("list-bob", "list-cy"), list("name_filter=list&offset=1&limit=2"));
    assertEquals(List.of(), list("name_filter=list&offset=100"));
    client.get("/hub/api/users?limit=ten").token(admin).send().assertError(400);
  }

  @Test
  void modelsCarryRolesFullUrlsAndAdminsOnlySeeState() {
    JsonObject bob = client.get("/hub/api/users/list-bob").token(admin).send().json(200);
    assertEquals(new JsonArray().add("user"), bob.getJsonArray("roles"));
    JsonObject server = bob.getJsonObject("servers").getJsonObject("");
    String origin = "http://127.0.0.1:" + URI.create(server.getString("full_url")).getPort();
    assertEquals(origin + "/user/list-bob/", server.getString("full_url"));
    assertEquals(origin + "/hub/api/users/list-bob/server/progress", server.getString("full_progress_url"));
    assertNotNull(server.getJsonObject("state").getString("container"), "an admin sees the container");
    assertEquals(new JsonArray().add("admin").add("user"),
      client.get("/hub/api/users/" + HubOptions.ADMIN).token(admin).send().json(200).getJsonArray("roles"));

    JsonObject own = client.get("/hub/api/users/list-bob").token(hub.token("list-bob", Scopes.READ_USERS, Scopes.READ_SERVERS)).send()
      .json(200);
    assertFalse(own.getJsonObject("servers").getJsonObject("").containsKey("state"), "its user does not");
    assertEquals("/user/list-bob/", own.getString("server"));
  }

  @Test
  void stoppedServersAppearOnlyWhenAskedFor() {
    hub.containers().failLaunches("no image");
    client.post("/hub/api/users/other/servers/broken").token(admin).send();
    hub.containers().failLaunches(null);
    assertTrue(client.get("/hub/api/users/other").token(admin).send().json(200).getJsonObject("servers").isEmpty());
    JsonObject stopped = client.get("/hub/api/users/other?include_stopped_servers").token(admin).send().json(200)
      .getJsonObject("servers").getJsonObject("broken");
    assertEquals(true, stopped.getValue("stopped"));
    assertNotNull(stopped.getString("error"));
  }

  @Test
  void aListUsersScopeFilteredToAGroupOrUserListsOnlyThose() {
    String one = hub.token(HubOptions.ADMIN, "list:users!user=list-ann", "read:users!user=list-ann");
    assertEquals(List.of("list-ann"), names(client.get("/hub/api/users").token(one).send().array(200)));
    client.get("/hub/api/users/list-bob").token(one).send().assertError(403);
  }

  @Test
  void aModelShowsOnlyTheKeysTheCallersScopesRead() {
    String namesOnly = hub.token(HubOptions.ADMIN, "list:users");
    JsonObject ann = client.get("/hub/api/users?name_filter=list-ann").token(namesOnly).send().array(200).getJsonObject(0);
    assertEquals(Set.of("kind", "name", "admin"), ann.fieldNames());
    String activity = hub.token(HubOptions.ADMIN, "list:users", "read:users:activity", "read:servers");
    JsonObject bob = client.get("/hub/api/users?name_filter=list-bob").token(activity).send().array(200).getJsonObject(0);
    assertEquals(Set.of("kind", "name", "admin", "last_activity", "servers"), bob.fieldNames());
  }

  @Test
  void lastActivityIsAnIsoTime() {
    String last = client.get("/hub/api/users/list-bob").token(admin).send().json(200).getString("last_activity");
    assertNotNull(Instant.parse(last));
  }
}
