package io.wharf.session.hub;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wharf.container.LaunchSpec;
import io.wharf.session.Scopes;
import io.wharf.session.ServerRecord;
import io.wharf.session.testing.HubClient;
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

/**
 * Starting and stopping servers: {@code POST/DELETE /hub/api/users/{name}/server} and
 * {@code …/servers/{server}}, and {@code GET …/profiles}. Limits: 3 servers per user, 2 of them
 * named; profile {@code large} is alice's only.
 */
class ServerApiTest {

  @RegisterExtension
  static final HubServerExtension hub = new HubServerExtension();

  private static HubClient client;

  @BeforeAll
  static void users() {
    client = hub.client();
    for (String user : List.of("alice", "bob", "carol", "dave", "erin")) {
      hub.user(user);
    }
  }

  private static String token(String user) {
    return hub.token(user, Scopes.SERVERS, Scopes.READ_USERS);
  }

  private static HubClient.Request start(String user, String server, String token) {
    return client.post("/hub/api/users/" + user + (server.isEmpty() ? "/server" : "/servers/" + server)).token(token);
  }

  private static List<LaunchSpec> launchesOf(String user) {
    return hub.containers().launches().stream().filter(l -> l.user().equals(user)).toList();
  }

  private static long launchesOf(String user, String server) {
    return launchesOf(user).stream().filter(l -> l.server().equals(server)).count();
  }

  @Test
  void aStartIs202WithThePendingServersModel() {
    hub.containers().holdLaunches(true);
    JsonObject model = start("alice", "", token("alice")).send().json(202);
    assertEquals("", model.getString("name"));
    assertEquals(false, model.getValue("ready"));
    assertEquals("spawn", model.getString("pending"));
    assertEquals(false, model.getValue("stopped"));
    assertEquals("/user/alice/", model.getString("url"));
    assertEquals("/hub/api/users/alice/server/progress", model.getString("progress_url"));
    assertNotNull(Instant.parse(model.getString("started")));
    assertFalse(model.containsKey("state"), "a user never sees the container (admin:server_state only)");
    assertEquals(new JsonObject(), model.getJsonObject("user_options"));

    hub.release("alice", "");
    assertTrue(hub.state().server("alice", "").running());
    assertEquals(1, launchesOf("alice", ""));
  }

  @Test
  void aStartWithAProfileLaunchesWithIt() {
    JsonObject model = start("alice", "big", token("alice")).json("{\"profile\": \"large\"}").send().json(202);
    assertEquals("big", model.getString("name"));
    assertEquals(new JsonObject().put("profile", "large"), model.getJsonObject("user_options"));
    assertEquals("/user/alice/big/", model.getString("url"));
    assertEquals(List.of("large"), launchesOf("alice").stream().filter(l -> l.server().equals("big")).map(LaunchSpec::profile).toList());
  }

  @Test
  void startingAServerAgainLaunchesNothingAndARunningOneIs400() {
    String bob = token("bob");
    hub.containers().holdLaunches(true);
    start("bob", "", bob).send().json(202);
    assertEquals("spawn", start("bob", "", bob).send().json(202).getString("pending"), "a start under way is reported again");
    hub.release("bob", "");
    String message = start("bob", "", bob).send().assertError(400);
    assertTrue(message.contains("already running"), message);
    assertEquals(1, launchesOf("bob").size());
  }

  @Test
  void perUserLimitsAre400() {
    String carol = token("carol");
    start("carol", "one", carol).send().assertStatus(202);
    start("carol", "two", carol).send().assertStatus(202);
    String named = start("carol", "three", carol).send().assertError(400);
    assertTrue(named.contains("2 named servers"), named);
    start("carol", "", carol).send().assertStatus(202);
    String all = start("carol", "four", carol).send().assertError(400);
    assertTrue(all.contains("maximum of 3 servers"), all);
    assertNull(hub.state().server("carol", "three"));
    assertNull(hub.state().server("carol", "four"));
  }

  @Test
  void anUnknownProfileIs400AndAnotherUsersProfileIs403() {
    String dave = token("dave");
    String unknown = start("dave", "", dave).json("{\"profile\": \"huge\"}").send().assertError(400);
    assertTrue(unknown.contains("huge") && unknown.contains("small"), unknown);
    start("dave", "", dave).json("{\"profile\": 5}").send().assertError(400);
    start("dave", "", dave).json("not json").send().assertError(400);
    start("dave", "", dave).json("[\"small\"]").send().assertError(400);
    start("dave", "", dave).json("{\"profile\": \"large\"}").send().assertError(403);
    assertEquals(0, launchesOf("dave").size());
    assertNull(hub.state().server("dave", ""));

    // An admin may choose any profile for anyone.
    start("dave", "", hub.adminToken()).json("{\"profile\": \"large\"}").send().assertStatus(202);
  }

  @Test
  void anInvalidServerNameIs400() {
    int before = launchesOf("erin").size();
    for (String name : List.of("Lab", "-lab", "l%20ab", "x".repeat(65))) {
      String message = start("erin", name, token("erin")).send().assertError(400);
      assertTrue(message.contains("invalid server name"), message);
      client.delete("/hub/api/users/erin/servers/" + name).token(token("erin")).send().assertError(400);
    }
    assertEquals(before, launchesOf("erin").size());
  }

  @Test
  void aStartForAUserWhoDoesNotExistIs404() {
    start("ghost", "", hub.adminToken()).send().assertError(404);
    client.delete("/hub/api/users/ghost/server").token(hub.adminToken()).send().assertError(404);
    assertEquals(0, launchesOf("ghost").size());
  }

  @Test
  void aStopIs204AndStopsTheContainer() {
    String erin = token("erin");
    start("erin", "lab", erin).send().assertStatus(202);
    ServerRecord running = hub.state().server("erin", "lab");
    assertTrue(running.running());

    client.delete("/hub/api/users/erin/servers/lab").token(erin).send().assertStatus(204);
    assertTrue(hub.containers().stopped().contains(running.containerId()));
    assertNull(hub.state().server("erin", "lab"));
    assertEquals(new JsonObject(), client.get("/hub/api/users/erin").token(erin).send().json(200).getJsonObject("servers"));
    client.delete("/hub/api/users/erin/servers/lab").token(erin).send().assertStatus(204);
    // A stopped server leaves no record: JupyterHub's remove changes nothing, and a server never started is stopped too.
    client.delete("/hub/api/users/erin/servers/lab").token(erin).json(new JsonObject().put("remove", true)).send().assertStatus(204);
    client.delete("/hub/api/users/erin/servers/never-started").token(erin).send().assertStatus(204);
  }

  @Test
  void profilesListWhatTheUserMayChoose() {
    JsonArray dave = client.get("/hub/api/users/dave/profiles").token(token("dave")).send().array(200);
    assertEquals(List.of("default", "small"), dave.stream().map(p -> ((JsonObject) p).getString("name")).toList());
    assertEquals(true, dave.getJsonObject(0).getValue("default"));
    JsonArray alice = client.get("/hub/api/users/alice/profiles").token(token("alice")).send().array(200);
    assertEquals(List.of("default", "small", "large"), alice.stream().map(p -> ((JsonObject) p).getString("name")).toList());
    assertEquals(4L << 30, alice.getJsonObject(2).getLong("memory"));
  }
}
