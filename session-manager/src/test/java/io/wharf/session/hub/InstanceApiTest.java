package io.wharf.session.hub;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wharf.session.Scopes;
import io.wharf.session.store.InstanceInfo;
import io.wharf.session.testing.HubClient;
import io.wharf.session.testing.HubOptions;
import io.wharf.session.testing.HubServerExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The operator's view of the cluster: {@code GET /hub/api/instances}, {@code POST/DELETE …/{id}/drain}. */
class InstanceApiTest {

  @RegisterExtension
  static final HubServerExtension hub = new HubServerExtension();

  private static HubClient client;

  @BeforeAll
  static void users() {
    client = hub.client();
    hub.user("alice");
  }

  @BeforeEach
  void instances() {
    hub.reportInstance("east", true);
    HubServerExtension.await(hub.state().cluster().report(
      new InstanceInfo("west", "127.0.0.2", "member-west", 3, 1L << 30, 50, 8L << 30, false, System.currentTimeMillis())));
  }

  private static JsonObject instance(JsonArray instances, String id) {
    return instances.stream().map(JsonObject.class::cast).filter(i -> i.getString("id").equals(id)).findFirst().orElseThrow();
  }

  @Test
  void anAdminListsEveryInstanceWithItsState() {
    JsonObject body = client.get("/hub/api/instances").token(hub.adminToken()).send().json(200);
    assertEquals(true, body.getValue("safe"));
    JsonArray instances = body.getJsonArray("instances");
    assertEquals(List.of("east", "west"), instances.stream().map(i -> ((JsonObject) i).getString("id")).toList());

    JsonObject east = instance(instances, "east");
    assertEquals("accepting", east.getString("state"));
    assertEquals(true, east.getValue("leader"));
    assertEquals(true, east.getValue("alive"));
    assertEquals(true, east.getValue("docker"));
    assertTrue(Instant.parse(east.getString("reported")).isAfter(Instant.now().minusSeconds(60)));

    JsonObject west = instance(instances, "west");
    assertEquals("127.0.0.2", west.getString("address"));
    assertEquals(false, west.getValue("leader"));
    assertEquals(false, west.getValue("alive"), "its member is not in the cluster");
    assertEquals(false, west.getValue("docker"));
    assertEquals(3, west.getInteger("running"));
    assertEquals(1L << 30, west.getLong("memory_reserved"));
    assertEquals(50, west.getInteger("max_containers"));
    assertEquals(8L << 30, west.getLong("max_memory"));
  }

  @Test
  void drainingAnUnknownInstanceIs404() {
    String message = client.post("/hub/api/instances/north/drain").token(hub.adminToken()).send().assertError(404);
    assertTrue(message.contains("north"), message);
    client.delete("/hub/api/instances/north/drain").token(hub.adminToken()).send().assertError(404);
    assertEquals(0, HubServerExtension.await(hub.state().cluster().draining()).size());
  }

  @Test
  void anAdminDrainsAndUndrainsAnInstance() {
    JsonObject drained = client.post("/hub/api/instances/east/drain").token(hub.adminToken()).send().json(200);
    assertEquals("east", drained.getString("id"));
    assertEquals("draining", drained.getString("state"));
    JsonArray listed = client.get("/hub/api/instances").token(hub.adminToken()).send().json(200).getJsonArray("instances");
    assertEquals("draining", instance(listed, "east").getString("state"));
    assertEquals("accepting", instance(listed, "west").getString("state"));

    JsonObject undrained = client.delete("/hub/api/instances/east/drain").session(hub.cookie(HubOptions.ADMIN)).xsrf().send().json(200);
    assertEquals("accepting", undrained.getString("state"));
    assertEquals(0, HubServerExtension.await(hub.state().cluster().draining()).size());
  }

  @Test
  void nonAdminsAre403() {
    String alice = hub.token("alice", Scopes.SERVERS, Scopes.READ_USERS, Scopes.TOKENS);
    client.get("/hub/api/instances").token(alice).send().assertError(403);
    client.get("/hub/api/instances").session(hub.cookie("alice")).send().assertError(403);
    client.post("/hub/api/instances/east/drain").token(alice).send().assertError(403);
    client.post("/hub/api/instances/east/drain").session(hub.cookie("alice")).xsrf().send().assertError(403);
    client.delete("/hub/api/instances/east/drain").token(alice).send().assertError(403);
    assertEquals(0, HubServerExtension.await(hub.state().cluster().draining()).size());
  }

  @Test
  void anUnknownApiPathIsAJson404() {
    String message = client.get("/hub/api/no-such-thing").token(hub.adminToken()).send().assertError(404);
    assertTrue(message.contains("/hub/api/no-such-thing"), message);
  }
}
