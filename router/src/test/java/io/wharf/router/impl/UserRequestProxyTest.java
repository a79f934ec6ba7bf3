package io.wharf.router.impl;

import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.json.JsonObject;
import io.wharf.router.impl.FakeNotebook.Seen;
import io.wharf.router.impl.RouterExtension.Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Random;

import static io.wharf.router.impl.RouterExtension.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What reaches the container when the user's server runs, and what comes back: the token in
 * place of Wharf's cookie, no hop-by-hop headers either way, named servers, WebSockets, activity,
 * and a route lookup that answers late. The real router over HTTPS, with a stand-in container.
 */
class UserRequestProxyTest {

  @RegisterExtension
  static final RouterExtension router = new RouterExtension();

  private static void assertReached(Reply reply, String notebook) {
    assertEquals(200, reply.status(), () -> "status; body " + reply.body());
    assertEquals(notebook, reply.header("X-Notebook"));
  }

  private void aliceRuns() throws Exception {
    router.put(router.notebook().running("alice", ""));
  }

  @Test
  void theContainerGetsItsTokenAndTheOtherCookiesButNotWharfsCookie() throws Exception {
    aliceRuns();
    Reply reply = router.get("/user/alice/api/contents/a%20b?type=file",
      "Cookie", "_xsrf=abc; " + router.cookie("alice") + "; theme=dark", "Accept", "application/json", "X-Custom", "kept");
    assertReached(reply, "default");
    assertEquals("notebook default", reply.body().toString());
    Seen seen = router.notebook().next();
    assertEquals(HttpMethod.GET, seen.method());
    assertEquals("/user/alice/api/contents/a%20b?type=file", seen.uri());
    assertEquals(List.of("token " + router.notebook().token()), seen.headers().getAll("Authorization"));
    assertEquals("_xsrf=abc; theme=dark", seen.headers().get("Cookie"));
    assertEquals(router.authority(), seen.headers().get("Host"), "the public Host, for Jupyter's same-origin checks");
    assertEquals("kept", seen.headers().get("X-Custom"));
  }

  @Test
  void overHttp2TheContainerGetsTheSameRequest() throws Exception {
    aliceRuns();
    Reply reply = router.getOverHttp2("/user/alice/api/status?x=1", "cookie", "_xsrf=abc; " + router.cookie("alice") + "; theme=dark");
    assertEquals(HttpVersion.HTTP_2, reply.version());
    assertReached(reply, "default");
    Seen seen = router.notebook().next();
    assertEquals("/user/alice/api/status?x=1", seen.uri());
    assertEquals("token " + router.notebook().token(), seen.headers().get("Authorization"));
    assertEquals("_xsrf=abc; theme=dark", seen.headers().get("Cookie"));
    assertEquals(router.authority(), seen.headers().get("Host"));
  }

  @Test
  void overHttp2CookiesSplitIntoSeveralFieldsAreReadTogether() throws Exception {
    aliceRuns();
    // RFC 9113 §8.2.3: a browser may send each cookie in a field of its own, to compress them better.
    Reply reply = router.getOverHttp2("/user/alice/api/status", "cookie", "_xsrf=abc", "cookie", router.cookie("alice"),
      "cookie", "theme=dark", "Accept", "application/json");
    assertEquals(HttpVersion.HTTP_2, reply.version());
    assertReached(reply, "default");
    Seen seen = router.notebook().next();
    assertEquals(List.of("_xsrf=abc; theme=dark"), seen.headers().getAll("Cookie"), "one Cookie header, as HTTP/1.1 wants");
  }

  @Test
  void withOnlyWharfsCookieTheContainerGetsNoCookieHeader() throws Exception {
    aliceRuns();
    assertReached(router.get("/user/alice/tree", "Cookie", router.cookie("alice")), "default");
    assertFalse(router.notebook().next().headers().contains("Cookie"));
  }

  @Test
  void aClientsOwnAuthorizationIsReplacedByTheContainersToken() throws Exception {
    aliceRuns();
    assertReached(router.get("/user/alice/api/status", "Cookie", router.cookie("alice"), "Authorization", "token guessed"), "default");
    assertEquals(List.of("token " + router.notebook().token()), router.notebook().next().headers().getAll("Authorization"));
  }

  @Test
  void hopByHopHeadersOfTheClientsRequestStopAtTheRouter() throws Exception {
    aliceRuns();
    assertReached(router.get("/user/alice/api/status", "Cookie", router.cookie("alice"),
      "Connection", "keep-alive, X-Client-Hop", "X-Client-Hop", "1", "Proxy-Authorization", "Basic YTpi", "X-End-To-End", "1"), "default");
    Seen seen = router.notebook().next();
    assertNull(seen.headers().get("X-Client-Hop"));
    assertNull(seen.headers().get("Proxy-Authorization"));
    assertEquals("1", seen.headers().get("X-End-To-End"));
  }

  @Test
  void hopByHopHeadersOfTheContainersResponseStopAtTheRouter() throws Exception {
    aliceRuns();
    Reply reply = router.get("/user/alice/api/status", "Cookie", router.cookie("alice"));
    assertReached(reply, "default");
    assertNull(reply.header("Keep-Alive"));
    assertNull(reply.header("X-Hop-Note"), "named by the container's Connection header");
    assertNull(reply.header("Proxy-Authenticate"));
    String connection = reply.header("Connection");
    assertTrue(connection == null || !connection.toLowerCase().contains("x-hop-note"), "Connection: " + connection);
    assertEquals("text/plain", reply.header("Content-Type"));
    assertEquals("max-age=31536000", reply.header("Strict-Transport-Security"));
    assertEquals(RouterExtension.INSTANCE, reply.header("X-Wharf-Instance"));
  }

  @Test
  void aProxiedRequestIsRecordedAsActivityOfItsServer() throws Exception {
    aliceRuns();
    long before = System.currentTimeMillis();
    assertReached(router.get("/user/alice/api/status", "Cookie", router.cookie("alice")), "default");
    Long at = awaitActivity("alice/", before);
    assertTrue(at <= System.currentTimeMillis(), "recorded at " + at);
  }

  /** The activity of {@code key} once the routers have flushed a note taken at or after {@code since}. */
  private static Long awaitActivity(String key, long since) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 5_000;
    Long at = router.activity(key);
    while ((at == null || at < since) && System.currentTimeMillis() < deadline) {
      Thread.sleep(10);
      at = router.activity(key);
    }
    assertNotNull(at, "activity of " + key + " was written");
    assertTrue(at >= since, "activity of " + key + " noted at " + at + ", not before the request at " + since);
    return at;
  }

  @Test
  void aNamedServersPathGoesToTheNamedServer() throws Exception {
    aliceRuns();
    router.put(router.lab().running("alice", "lab"));
    long before = System.currentTimeMillis();
    assertReached(router.get("/user/alice/lab/api/status", "Cookie", router.cookie("alice")), "lab");
    Seen seen = router.lab().next();
    assertEquals("/user/alice/lab/api/status", seen.uri());
    assertEquals("token " + router.lab().token(), seen.headers().get("Authorization"));
    assertTrue(router.notebook().untouched());
    awaitActivity("alice/lab", before);
  }

  @Test
  void withoutSuchANamedServerTheSegmentIsAPathInTheDefaultServer() throws Exception {
    aliceRuns();
    assertReached(router.get("/user/alice/lab/tree", "Cookie", router.cookie("alice")), "default");
    assertEquals("/user/alice/lab/tree", router.notebook().next().uri());
    // Not a server's root either: no trailing-slash redirect.
    assertReached(router.get("/user/alice/lab", "Cookie", router.cookie("alice")), "default");
    assertEquals("/user/alice/lab", router.notebook().next().uri());
    assertTrue(router.lab().untouched());
  }

  @Test
  void aWebSocketFromTheRoutersOriginReachesTheContainerAndEchoes() throws Exception {
    aliceRuns();
    long before = System.currentTimeMillis();
    echoes(await(router.connect("/user/alice/api/kernels/k1/channels?session_id=s1",
      "Origin", router.origin(), "Cookie", "_xsrf=abc; " + router.cookie("alice"))));
    Seen seen = router.notebook().next();
    assertEquals("/user/alice/api/kernels/k1/channels?session_id=s1", seen.uri());
    assertEquals(List.of("token " + router.notebook().token()), seen.headers().getAll("Authorization"));
    assertEquals("_xsrf=abc", seen.headers().get("Cookie"));
    assertEquals(router.authority(), seen.headers().get("Host"));
    assertEquals(router.origin(), seen.headers().get("Origin"));
    awaitActivity("alice/", before);
  }

  private static void echoes(WebSocket socket) throws Exception {
    Promise<String> echoed = Promise.promise();
    socket.textMessageHandler(echoed::tryComplete);
    await(socket.writeTextMessage("ping"));
    assertEquals("ping", await(echoed.future()));
    await(socket.close());
  }

  @Test
  void closingAWebSocketClosesTheTunnelAndLogsNoError() throws Exception {
    aliceRuns();
    try (LogCapture log = LogCapture.start()) {
      echoes(await(router.connect("/user/alice/api/kernels/k1/channels", "Origin", router.origin(), "Cookie", router.cookie("alice"))));
      long deadline = System.currentTimeMillis() + 5_000;
      while (router.openWebSockets() > 0 && System.currentTimeMillis() < deadline) {
        Thread.sleep(10);
      }
      assertEquals(0, router.openWebSockets(), "the tunnel closed with the client's socket");
      // The container side's close is reported on the router's event loop around the same time.
      Thread.sleep(100);
      assertEquals(List.of(), log.warnings());
    }
  }

  @Test
  void aCrossOriginWebSocketGets403() throws Exception {
    aliceRuns();
    UpgradeRejectedException rejected = assertThrows(UpgradeRejectedException.class, () -> await(router.connect(
      "/user/alice/api/kernels/k1/channels", "Origin", "https://evil.example", "Cookie", router.cookie("alice"))));
    assertRejected(rejected, 403, "cross-origin WebSocket refused");
    assertTrue(router.notebook().untouched());
  }

  @Test
  void aWebSocketWithoutCookieGets401() throws Exception {
    aliceRuns();
    UpgradeRejectedException rejected = assertThrows(UpgradeRejectedException.class, () -> await(router.connect(
      "/user/alice/api/kernels/k1/channels", "Origin", router.origin())));
    assertRejected(rejected, 401, "authentication required");
    assertTrue(router.notebook().untouched());
  }

  private static void assertRejected(UpgradeRejectedException rejected, int status, String message) {
    assertEquals(status, rejected.getStatus());
    assertEquals("application/json", rejected.getHeaders().get("Content-Type"));
    assertEquals(new JsonObject().put("status", status).put("message", message), rejected.getBody().toJsonObject());
  }

  @Test
  void aRunningRecordWhoseContainerDoesNotAnswerGets502() throws Exception {
    router.putRunningOnAClosedPort("alice");
    assertEquals(502, router.get("/user/alice/api/status", "Cookie", router.cookie("alice")).status());
    UpgradeRejectedException rejected = assertThrows(UpgradeRejectedException.class, () -> await(router.connect(
      "/user/alice/api/kernels/k1/channels", "Origin", router.origin(), "Cookie", router.cookie("alice"))));
    assertRejected(rejected, 502, "the notebook server did not accept the WebSocket");
  }

  @Test
  void onANearCacheMissAPostsBodyReachesTheContainerIntact() throws Exception {
    aliceRuns();
    router.answerLate(50);
    byte[] bytes = new byte[256 * 1024];
    new Random(7).nextBytes(bytes);
    Buffer body = Buffer.buffer(bytes);
    Reply reply = router.send(HttpMethod.POST, "/user/alice/api/contents/upload", body,
      "Cookie", router.cookie("alice"), "Content-Type", "application/octet-stream");
    assertReached(reply, "default");
    // The fast path's lookup, then Vert.x's path's: both late.
    assertEquals(2, router.lateAnswers(), "the lookups answered late");
    Seen seen = router.notebook().next();
    assertEquals(HttpMethod.POST, seen.method());
    assertEquals(body, seen.body(), "the container got the whole body");
    assertEquals(body, reply.body(), "and echoed it back whole");
  }

  @Test
  void onANearCacheMissAWebSocketStillOpens() throws Exception {
    aliceRuns();
    router.answerLate(50);
    echoes(await(router.connect("/user/alice/api/kernels/k1/channels", "Origin", router.origin(), "Cookie", router.cookie("alice"))));
    assertEquals(1, router.lateAnswers());
    assertEquals("token " + router.notebook().token(), router.notebook().next().headers().get("Authorization"));
  }

  @Test
  void onANearCacheMissARequestForAStoppedServerIsStillAnswered() throws Exception {
    router.answerLate(50);
    Reply reply = router.send(HttpMethod.POST, "/user/alice/api/contents", Buffer.buffer("{}"),
      "Cookie", router.cookie("alice"), "Accept", "application/json");
    UserRequestHandlerTest.assertError(reply, 503, "server not running");
    assertEquals(2, router.lateAnswers(), "the fast path's lookup and Vert.x's path's");
  }
}
