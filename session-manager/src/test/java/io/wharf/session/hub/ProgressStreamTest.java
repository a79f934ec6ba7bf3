package io.wharf.session.hub;

import io.vertx.core.json.JsonObject;
import io.wharf.session.Scopes;
import io.wharf.session.testing.HubClient;
import io.wharf.session.testing.HubServerExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code GET /hub/api/users/{name}/server/progress}: a launch's events as {@code text/event-stream}, ending with the last. */
@Timeout(10)
class ProgressStreamTest {

  @RegisterExtension
  static final HubServerExtension hub = new HubServerExtension();

  private static HubClient client;

  @BeforeAll
  static void users() {
    client = hub.client();
    List.of("alice", "bob", "carol").forEach(hub::user);
  }

  /** The events of a stream, read one at a time as they arrive. */
  private static final class Events {
    private final Iterator<String> lines;

    Events(HttpResponse<Stream<String>> response) {
      assertEquals(200, response.statusCode());
      assertEquals("text/event-stream", response.headers().firstValue("Content-Type").orElse(null));
      this.lines = response.body().iterator();
    }

    JsonObject next() {
      while (lines.hasNext()) {
        String line = lines.next();
        if (line.startsWith("data: ")) {
          return new JsonObject(line.substring(6));
        }
      }
      throw new AssertionError("the stream ended");
    }

    /** The events left, up to the end of the stream. */
    List<JsonObject> rest() {
      List<JsonObject> events = new ArrayList<>();
      while (lines.hasNext()) {
        String line = lines.next();
        if (line.startsWith("data: ")) {
          events.add(new JsonObject(line.substring(6)));
        }
      }
      return events;
    }
  }

  private static Events follow(String path, String user) {
    return new Events(client.get(path).session(hub.cookie(user)).stream());
  }

  @Test
  void theStreamFollowsALaunchUntilItIsReady() {
    hub.containers().holdLaunches(true);
    client.post("/hub/api/users/alice/server").token(hub.token("alice", Scopes.SERVERS)).send().assertStatus(202);
    Events events = follow("/hub/api/users/alice/server/progress", "alice");
    JsonObject first = events.next();
    assertTrue(first.getInteger("progress") < 100, first::encode);
    assertFalse(first.containsKey("ready"));
    assertFalse(first.containsKey("failed"));

    hub.release("alice", "");
    List<JsonObject> rest = events.rest();
    JsonObject last = rest.get(rest.size() - 1);
    assertEquals(true, last.getValue("ready"), rest::toString);
    assertEquals("/user/alice/", last.getString("url"));
    assertEquals(100, last.getInteger("progress"));
  }

  @Test
  void aNamedServersStreamOfARunningServerSaysReadyAtOnce() {
    client.post("/hub/api/users/bob/servers/lab").token(hub.token("bob", Scopes.SERVERS)).send().assertStatus(202);
    List<JsonObject> events = follow("/hub/api/users/bob/servers/lab/progress", "bob").rest();
    assertEquals(1, events.size(), events::toString);
    assertEquals("/user/bob/lab/", events.get(0).getString("url"));
    assertEquals(true, events.get(0).getValue("ready"));
  }

  @Test
  void theStreamForNoServerSaysFailed() {
    List<JsonObject> events = follow("/hub/api/users/carol/server/progress", "carol").rest();
    assertEquals(1, events.size(), events::toString);
    assertEquals(true, events.get(0).getValue("failed"));
    assertEquals(100, events.get(0).getInteger("progress"));
    assertFalse(events.get(0).getString("message").isBlank());
  }

  @Test
  void aFailedLaunchEndsTheStreamWithFailedAndTheReason() {
    hub.containers().failLaunches("image wharf/jupyter:test is not allowed");
    client.post("/hub/api/users/carol/servers/broken").token(hub.token("carol", Scopes.SERVERS)).send().assertStatus(202);
    List<JsonObject> events = follow("/hub/api/users/carol/servers/broken/progress", "carol").rest();
    JsonObject last = events.get(events.size() - 1);
    assertEquals(true, last.getValue("failed"), events::toString);
    assertEquals("image wharf/jupyter:test is not allowed", last.getString("message"));
  }
}
