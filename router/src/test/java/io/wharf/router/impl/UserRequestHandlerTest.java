package io.wharf.router.impl;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.wharf.router.impl.RouterExtension.Reply;
import io.wharf.session.ServerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The answers the router gives itself on {@code /user/{name}/...}, before any container is
 * involved: authentication, ownership, the server's state, and path checks. Each is checked with
 * its exact status, headers and JSON body, on the real router over HTTPS.
 */
class UserRequestHandlerTest {

  @RegisterExtension
  static final RouterExtension router = new RouterExtension();

  private static final String[] NAVIGATE = {"Sec-Fetch-Mode", "navigate"};
  private static final String[] API = {"Accept", "application/json"};

  private static String[] with(String[] headers, String... more) {
    String[] all = new String[headers.length + more.length];
    System.arraycopy(headers, 0, all, 0, headers.length);
    System.arraycopy(more, 0, all, headers.length, more.length);
    return all;
  }

  static void assertError(Reply reply, int status, String message) {
    assertEquals(status, reply.status(), () -> "status; body " + reply.body());
    assertEquals("application/json", reply.header("Content-Type"));
    assertEquals("no-store", reply.header("Cache-Control"));
    assertEquals("max-age=31536000", reply.header("Strict-Transport-Security"));
    assertEquals(RouterExtension.INSTANCE, reply.header("X-Wharf-Instance"));
    assertEquals(new JsonObject().put("status", status).put("message", message), reply.json());
  }

  static void assertRedirect(Reply reply, String location) {
    assertEquals(302, reply.status(), () -> "status; body " + reply.body());
    assertEquals(location, reply.header("Location"));
    assertEquals("no-store", reply.header("Cache-Control"));
    assertEquals("max-age=31536000", reply.header("Strict-Transport-Security"));
    assertEquals(RouterExtension.INSTANCE, reply.header("X-Wharf-Instance"));
    assertEquals(0, reply.body().length());
  }

  private void aliceRuns() throws Exception {
    router.put(router.notebook().running("alice", ""));
  }

  @Test
  void aNavigationWithoutCookieGoesToLoginWithItsUri() throws Exception {
    aliceRuns();
    // The URI as sent, escapes included, so the login page sends the browser back to exactly it.
    String next = "/hub/login?next=%2Fuser%2Falice%2Fnotebooks%2Fa%2520b.ipynb%3Fkernel%3Dpy%26x%3D1";
    assertRedirect(router.get("/user/alice/notebooks/a%20b.ipynb?kernel=py&x=1", NAVIGATE), next);
    // Without Fetch Metadata (older browsers): a GET that accepts HTML.
    assertRedirect(router.get("/user/alice/tree", "Accept", "text/html,application/xhtml+xml"), "/hub/login?next=%2Fuser%2Falice%2Ftree");
    assertTrue(router.notebook().untouched());
  }

  @Test
  void anApiOrScriptRequestWithoutCookieGets401() throws Exception {
    aliceRuns();
    assertError(router.get("/user/alice/api/contents", API), 401, "authentication required");
    assertError(router.get("/user/alice/api/contents"), 401, "authentication required");
    // A fetch() from a page: Fetch Metadata says it is no navigation, whatever it accepts.
    assertError(router.get("/user/alice/tree", "Sec-Fetch-Mode", "cors", "Accept", "text/html"), 401, "authentication required");
    assertError(router.get("/user/alice/tree", "X-Requested-With", "XMLHttpRequest", "Accept", "text/html"), 401,
      "authentication required");
    assertError(router.send(HttpMethod.POST, "/user/alice/api/contents", null, "Accept", "text/html"), 401,
      "authentication required");
    assertTrue(router.notebook().untouched());
  }

  @Test
  void theTestCookiesAreAcceptedWhenNothingIsWrongWithThem() throws Exception {
    aliceRuns();
    Reply reply = router.get("/user/alice/tree", "Cookie", RouterExtension.COOKIE + "=" + BadCookie.valid(router.secret(), "alice"));
    assertEquals(200, reply.status());
    assertEquals("notebook default", reply.body().toString());
  }

  @ParameterizedTest
  @EnumSource(BadCookie.class)
  void aBadCookieCountsAsNoCookie(BadCookie kind) throws Exception {
    aliceRuns();
    String cookie = RouterExtension.COOKIE + "=" + kind.value(router.secret(), "alice");
    assertRedirect(router.get("/user/alice/tree", with(NAVIGATE, "Cookie", cookie)), "/hub/login?next=%2Fuser%2Falice%2Ftree");
    assertError(router.get("/user/alice/api/contents", with(API, "Cookie", cookie)), 401, "authentication required");
    assertTrue(router.notebook().untouched());
  }

  @Test
  void anotherUsersCookieGets403EvenOnANavigation() throws Exception {
    aliceRuns();
    assertError(router.get("/user/alice/api/contents", with(API, "Cookie", router.cookie("bob"))), 403,
      "this server belongs to another user");
    assertError(router.get("/user/alice/tree", with(NAVIGATE, "Cookie", router.cookie("bob"))), 403,
      "this server belongs to another user");
    assertTrue(router.notebook().untouched());
  }

  @Test
  void withoutAServerANavigationGoesToTheSpawnPageAndAnApiCallGets503() throws Exception {
    assertRedirect(router.get("/user/alice/tree", with(NAVIGATE, "Cookie", router.cookie("alice"))), "/hub/spawn-pending/alice");
    Reply api = router.get("/user/alice/api/contents", with(API, "Cookie", router.cookie("alice")));
    assertError(api, 503, "server not running");
    assertEquals("5", api.header("Retry-After"));
  }

  @Test
  void aFailedServerIsNotRunning() throws Exception {
    router.put(router.notebook().running("alice", "").failed("the image is missing"));
    assertRedirect(router.get("/user/alice/tree", with(NAVIGATE, "Cookie", router.cookie("alice"))), "/hub/spawn-pending/alice");
    Reply api = router.get("/user/alice/api/contents", with(API, "Cookie", router.cookie("alice")));
    assertError(api, 503, "server not running");
    assertEquals("5", api.header("Retry-After"));
  }

  @Test
  void aStartingServerGets503ServerIsStarting() throws Exception {
    router.put(ServerRecord.pending("alice", "", RouterExtension.INSTANCE, "t", System.currentTimeMillis(), ""));
    Reply api = router.get("/user/alice/api/contents", with(API, "Cookie", router.cookie("alice")));
    assertError(api, 503, "server is starting");
    assertEquals("5", api.header("Retry-After"));
    assertRedirect(router.get("/user/alice/tree", with(NAVIGATE, "Cookie", router.cookie("alice"))), "/hub/spawn-pending/alice");
  }

  @Test
  void aNamedServerNotRunningSendsANavigationToItsOwnSpawnPage() throws Exception {
    aliceRuns();
    router.put(router.lab().running("alice", "lab").failed("the image is missing"));
    assertRedirect(router.get("/user/alice/lab/tree", with(NAVIGATE, "Cookie", router.cookie("alice"))), "/hub/spawn-pending/alice/lab");
    Reply api = router.get("/user/alice/lab/api/contents", with(API, "Cookie", router.cookie("alice")));
    assertError(api, 503, "server not running");
    assertEquals("5", api.header("Retry-After"));
    assertTrue(router.notebook().untouched(), "not sent to alice's default server instead");
  }

  @Test
  void aServerPathWithoutItsTrailingSlashIsRedirected() throws Exception {
    aliceRuns();
    router.put(router.lab().running("alice", "lab"));
    assertRedirect(router.get("/user/alice", with(NAVIGATE, "Cookie", router.cookie("alice"))), "/user/alice/");
    assertRedirect(router.get("/user/alice/lab", with(NAVIGATE, "Cookie", router.cookie("alice"))), "/user/alice/lab/");
    assertTrue(router.notebook().untouched() && router.lab().untouched());
  }

  @Test
  void theTrailingSlashRedirectKeepsTheQuery() throws Exception {
    aliceRuns();
    assertRedirect(router.get("/user/alice?reset&path=a%20b", with(NAVIGATE, "Cookie", router.cookie("alice"))),
      "/user/alice/?reset&path=a%20b");
  }

  @Test
  void invalidUserPathsGet404() throws Exception {
    aliceRuns();
    for (String path : new String[]{"/user/", "/user/ALICE/", "/user/../", "/user/..", "/user/-alice/", "/user/al%2Fice/"}) {
      assertError(router.get(path, with(API, "Cookie", router.cookie("alice"))), 404, "no such path");
    }
    assertTrue(router.notebook().untouched());
  }

  @Test
  void anUnavailableRouteTableGets503() throws Exception {
    aliceRuns();
    router.state().failing(true);
    Reply api = router.get("/user/alice/api/contents", with(API, "Cookie", router.cookie("alice")));
    assertError(api, 503, "session state unavailable, try again");
    assertTrue(router.notebook().untouched());
  }
}
