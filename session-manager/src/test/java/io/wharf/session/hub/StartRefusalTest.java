package io.wharf.session.hub;

import io.vertx.core.json.JsonObject;
import io.wharf.session.Scopes;
import io.wharf.session.ServerRecord;
import io.wharf.session.testing.HubClient;
import io.wharf.session.testing.HubOptions;
import io.wharf.session.testing.HubReply;
import io.wharf.session.testing.HubServerExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Starts the cluster cannot take now, answered so that a client knows to retry: 429 when the
 * launch line is full (one launch at a time, none waiting, here), 503 when no instance can take
 * the server; both with {@code Retry-After}.
 */
class StartRefusalTest {

  @RegisterExtension
  static final HubServerExtension hub = new HubServerExtension(new HubOptions().concurrentLaunches(1).launchQueue(0));

  private static HubClient client;

  @BeforeAll
  static void users() {
    client = hub.client();
    List.of("alice", "bob", "carol", "dave").forEach(hub::user);
  }

  private static HubReply start(String user) {
    return client.post("/hub/api/users/" + user + "/server").token(hub.token(user, Scopes.SERVERS, Scopes.READ_USERS)).send();
  }

  @Test
  void aFullLaunchLineIs429WithRetryAfter() {
    hub.containers().holdLaunches(true);
    start("alice").assertStatus(202);
    try {
      HubReply refused = start("bob");
      String message = refused.assertError(429);
      assertTrue(message.contains("Try again"), message);
      assertEquals("30", refused.header("Retry-After"));
      assertNull(hub.state().server("bob", ""), "a refused start leaves nothing behind");
      assertEquals(0, hub.containers().launches().stream().filter(l -> l.user().equals("bob")).count());
    } finally {
      hub.release("alice", "");
    }
    hub.containers().holdLaunches(false);
    start("bob").assertStatus(202);
    assertTrue(hub.state().server("bob", "").running());
  }

  @Test
  void noInstanceWithDockerIs503WithRetryAfter() {
    hub.reportInstance(HubOptions.INSTANCE, false);
    HubReply refused = start("carol");
    String message = refused.assertError(503);
    assertTrue(message.contains("Docker"), message);
    assertEquals("60", refused.header("Retry-After"));
    ServerRecord failed = hub.state().server("carol", "");
    assertTrue(failed.failed(), "the user can read why on the home page");
    assertEquals(0, hub.containers().launches().stream().filter(l -> l.user().equals("carol")).count());
    JsonObject model = client.get("/hub/api/users/carol?include_stopped_servers").token(hub.adminToken()).send().json(200).getJsonObject("servers")
      .getJsonObject("");
    assertEquals(true, model.getValue("stopped"));
    assertEquals(message, model.getJsonObject("state").getString("error"));

    // Once the engine answers again, an explicit start retries the failed server.
    hub.reportInstance(HubOptions.INSTANCE, true);
    start("carol").assertStatus(202);
    assertTrue(hub.state().server("carol", "").running());
  }

  @Test
  void noAcceptingInstanceIs503WithRetryAfter() {
    HubServerExtension.await(hub.state().cluster().setDraining(HubOptions.INSTANCE, true));
    hub.reportInstance(HubOptions.INSTANCE, true);
    HubReply refused = start("dave");
    String message = refused.assertError(503);
    assertTrue(message.contains("capacity"), message);
    assertEquals("60", refused.header("Retry-After"));
  }
}
