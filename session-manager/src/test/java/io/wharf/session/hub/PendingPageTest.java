package io.wharf.session.hub;

import io.wharf.session.Scopes;
import io.wharf.session.testing.HubClient;
import io.wharf.session.testing.HubOptions;
import io.wharf.session.testing.HubReply;
import io.wharf.session.testing.HubServerExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET /hub/spawn-pending/{name}[/{server}]}: starts a server that is not there and shows
 * its progress page, sends a running one's owner to it, and leaves a failed one for the user to
 * read why.
 */
class PendingPageTest {

  @RegisterExtension
  static final HubServerExtension hub = new HubServerExtension();

  private static HubClient client;

  @BeforeAll
  static void users() {
    client = hub.client();
    List.of("alice", "bob", "carol", "dave").forEach(hub::user);
  }

  private static HubReply visit(String path, String user) {
    return client.get("/hub/spawn-pending/" + path).session(hub.cookie(user)).send();
  }

  private static long launchesOf(String user) {
    return hub.containers().launches().stream().filter(l -> l.user().equals(user)).count();
  }

  private static void assertPage(HubReply reply) {
    reply.assertStatus(200);
    assertTrue(reply.body().contains("<title>spawn-pending</title>"), reply.body());
    assertEquals("no-store", reply.header("Cache-Control"));
  }

  @Test
  void aRunningServerIsARedirectToItsUrl() {
    String token = hub.token("alice", Scopes.SERVERS);
    client.post("/hub/api/users/alice/server").token(token).send().assertStatus(202);
    client.post("/hub/api/users/alice/servers/lab").token(token).send().assertStatus(202);
    visit("alice", "alice").assertRedirect("/user/alice/");
    visit("alice/lab", "alice").assertRedirect("/user/alice/lab/");
    visit("alice", HubOptions.ADMIN).assertRedirect("/user/alice/");
  }

  @Test
  void aVisitStartsAMissingServerAndShowsItsProgress() {
    hub.containers().holdLaunches(true);
    assertPage(visit("bob/notes", "bob"));
    assertTrue(hub.state().server("bob", "notes").pending());
    assertPage(visit("bob/notes", "bob"));
    assertEquals(1, launchesOf("bob"), "a second visit follows the same launch");
    hub.release("bob", "notes");
    visit("bob/notes", "bob").assertRedirect("/user/bob/notes/");
  }

  @Test
  void aFailedServerIsShownNotRetried() {
    hub.containers().failLaunches("the image is missing");
    client.post("/hub/api/users/carol/server").token(hub.token("carol", Scopes.SERVERS)).send().assertStatus(202);
    hub.containers().failLaunches(null);
    assertPage(visit("carol", "carol"));
    assertTrue(hub.state().server("carol", "").failed());
    assertEquals(1, launchesOf("carol"));
  }

  @Test
  void anUnknownUserIs404() {
    String message = visit("nobody", HubOptions.ADMIN).assertError(404);
    assertTrue(message.contains("nobody"), message);
    assertEquals(0, launchesOf("nobody"));
  }

  @Test
  void anotherUsersPageIs403() {
    visit("dave", "alice").assertError(403);
    visit("nobody", "alice").assertError(403);
    assertEquals(0, launchesOf("dave"));
  }

  @Test
  void withoutALoginTheVisitGoesToTheLoginForm() {
    client.get("/hub/spawn-pending/dave").send().assertRedirect("/hub/login?next=/hub/spawn-pending/dave");
    client.get("/hub/spawn-pending/dave").session("forged").send().assertRedirect("/hub/login?next=/hub/spawn-pending/dave");
    assertEquals(0, launchesOf("dave"));
  }

  @Test
  void anInvalidServerNameIs400AndAFailingStore503() {
    visit("dave/Lab", "dave").assertError(400);
    hub.state().failing(true);
    visit("dave", "dave").assertError(503);
    assertEquals(0, launchesOf("dave"));
  }
}
