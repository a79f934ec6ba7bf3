package io.wharf.router.impl;

import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.wharf.router.impl.FakeNotebook.Seen;
import io.wharf.router.impl.RouterExtension.Reply;
import io.wharf.session.Secrets;
import io.wharf.session.store.Account;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static io.wharf.router.impl.RouterExtension.await;
import static io.wharf.router.impl.UserRequestHandlerTest.assertError;
import static io.wharf.router.impl.UserRequestHandlerTest.assertRedirect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * API tokens through the real router: a token in the {@code Authorization} header or the
 * {@code token} query parameter reaches {@code /user/{name}/} over HTTP and WebSocket when it
 * grants access to that server, the container sees only its own token, and a revoked token, or
 * one of a deleted account, is refused within a second with no restart.
 */
class NotebookTokenTest {

  @RegisterExtension
  static final RouterExtension router = new RouterExtension();

  // The router trusts a lookup for one second; the rest allows for one more request on a busy machine.
  private static final long REFUSED_WITHIN_MILLIS = 1_400;

  @BeforeEach
  void aliceRuns() throws Exception {
    router.put(router.notebook().running("alice", ""));
  }

  private static void assertReached(Reply reply) {
    assertEquals(200, reply.status(), () -> "status; body " + reply.body());
    assertEquals("default", reply.header("X-Notebook"));
  }

  @Test
  void aUsersOwnTokenReachesTheServerAndTheContainerSeesOnlyItsOwnToken() throws Exception {
    String token = router.token("alice", false, 0);
    for (String scheme : List.of("token ", "Bearer ")) {
      router.notebook().clear();
      assertReached(router.get("/user/alice/api/status?x=1", "Authorization", scheme + token,
        "Cookie", "_xsrf=abc; " + router.cookie("bob")));
      Seen seen = router.notebook().next();
      assertEquals("/user/alice/api/status?x=1", seen.uri());
      assertEquals(List.of("token " + router.notebook().token()), seen.headers().getAll("Authorization"));
      assertEquals("_xsrf=abc", seen.headers().get("Cookie"), "Wharf's cookie is stripped");
    }
  }

  @Test
  void theTokenQueryParameterAuthenticatesAndIsNotForwarded() throws Exception {
    String token = router.token("alice", false, 0);
    assertReached(router.get("/user/alice/api/contents?type=file&token=" + token + "&content=1"));
    assertEquals("/user/alice/api/contents?type=file&content=1", router.notebook().next().uri());
    assertReached(router.get("/user/alice/api/status?token=" + token));
    assertEquals("/user/alice/api/status", router.notebook().next().uri());
  }

  @Test
  void aWebSocketOpensWithATokenInTheHeaderOrTheQuery() throws Exception {
    String token = router.token("alice", false, 0);
    echoes(await(router.connect("/user/alice/api/kernels/k1/channels?session_id=s1", "Authorization", "token " + token)));
    Seen seen = router.notebook().next();
    assertEquals(List.of("token " + router.notebook().token()), seen.headers().getAll("Authorization"));
    echoes(await(router.connect("/user/alice/api/kernels/k1/channels?session_id=s1&token=" + token, "Origin", router.origin())));
    seen = router.notebook().next();
    assertEquals("/user/alice/api/kernels/k1/channels?session_id=s1", seen.uri());
    assertEquals(List.of("token " + router.notebook().token()), seen.headers().getAll("Authorization"));
  }

  private static void echoes(WebSocket socket) throws Exception {
    Promise<String> echoed = Promise.promise();
    socket.textMessageHandler(echoed::tryComplete);
    await(socket.writeTextMessage("ping"));
    assertEquals("ping", await(echoed.future()));
    await(socket.close());
  }

  @Test
  void aUsersOwnTokenMadeOnlyToReadTheApiDoesNotReachTheirServer() throws Exception {
    String reader = router.token("alice", false, 0, "read:users");
    assertError(router.get("/user/alice/api/status", "Authorization", "token " + reader), 403,
      "this token does not grant access to this server");
  }

  @Test
  void anotherUsersTokenIsForbiddenUnlessAnAdminGaveItAccessServers() throws Exception {
    String bobs = router.token("bob", false, 0, "access:servers", "servers");
    assertError(router.get("/user/alice/api/status", "Authorization", "token " + bobs), 403,
      "this token does not grant access to this server");
    UpgradeRejectedException rejected = assertThrows(UpgradeRejectedException.class, () -> await(router.connect(
      "/user/alice/api/kernels/k1/channels", "Authorization", "token " + bobs)));
    assertEquals(403, rejected.getStatus());
    String otherFilter = router.token("root", true, 0, "access:servers!user=carol");
    assertError(router.get("/user/alice/api/status", "Authorization", "token " + otherFilter), 403,
      "this token does not grant access to this server");
    assertTrue(router.notebook().untouched());
    assertReached(router.get("/user/alice/api/status", "Authorization", "token " + bobs, "Cookie", router.cookie("alice")));

    assertReached(router.get("/user/alice/api/status", "Authorization", "token " + router.token("root", true, 0, "access:servers")));
    assertReached(router.get("/user/alice/api/status", "Authorization", "token " + router.token("root", true, 0, "access:servers!user=alice")));
    assertReached(router.get("/user/alice/api/status", "Authorization",
      "token " + router.token("root", true, 0, "access:servers!server=alice/")));
  }

  @Test
  void aServerFilteredAdminTokenReachesThatNamedServerOnly() throws Exception {
    router.put(router.lab().running("alice", "lab"));
    String token = router.token("root", true, 0, "access:servers!server=alice/lab");
    Reply lab = router.get("/user/alice/lab/api/status", "Authorization", "token " + token);
    assertEquals(200, lab.status(), () -> "body " + lab.body());
    assertEquals("lab", lab.header("X-Notebook"));
    assertEquals(List.of("token " + router.lab().token()), router.lab().next().headers().getAll("Authorization"));
    assertError(router.get("/user/alice/api/status", "Authorization", "token " + token), 403,
      "this token does not grant access to this server");
    assertTrue(router.notebook().untouched());
  }

  @Test
  void aRevokedTokenIsRefusedWithinASecond() throws Exception {
    String token = router.token("alice", false, 0);
    for (int i = 0; i < 4; i++) {
      assertReached(router.get("/user/alice/api/status", "Authorization", "token " + token));
    }
    await(router.state().shared().tokens().removeToken(Secrets.sha256Hex(token)));
    long refusedAfter = untilRefused(token);
    assertTrue(refusedAfter <= REFUSED_WITHIN_MILLIS, "refused " + refusedAfter + " ms after the revocation");
  }

  @Test
  void aTokenOfADeletedAccountIsRefusedWithinASecondAndNotInheritedByANewAccountOfTheName() throws Exception {
    String token = router.token("alice", false, 0);
    assertReached(router.get("/user/alice/api/status", "Authorization", "token " + token));
    router.state().shared().accounts().removeAccount("alice");
    router.state().shared().accounts().saveAccount(new Account("id-of-a-new-alice", "alice", false, null, 0));
    long refusedAfter = untilRefused(token);
    assertTrue(refusedAfter <= REFUSED_WITHIN_MILLIS, "refused " + refusedAfter + " ms after the account was deleted");
  }

  @Test
  void anAdminMadeAUserLosesAnotherUsersServerWithinASecond() throws Exception {
    String token = router.token("dora", true, 0);
    assertReached(router.get("/user/alice/api/status", "Authorization", "token " + token));
    router.state().shared().accounts().saveAccount(new Account(RouterExtension.accountId("dora"), "dora", false, null, 0));
    long start = System.currentTimeMillis();
    Reply reply = router.get("/user/alice/api/status", "Authorization", "token " + token);
    while (reply.status() == 200 && System.currentTimeMillis() - start < 3_000) {
      Thread.sleep(20);
      reply = router.get("/user/alice/api/status", "Authorization", "token " + token);
    }
    long refusedAfter = System.currentTimeMillis() - start;
    assertError(reply, 403, "this token does not grant access to this server");
    assertTrue(refusedAfter <= REFUSED_WITHIN_MILLIS, "refused " + refusedAfter + " ms after the account lost admin");
  }

  /** Milliseconds until a request with {@code token} is refused; fails after 3 s. */
  private static long untilRefused(String token) throws Exception {
    long start = System.currentTimeMillis();
    while (System.currentTimeMillis() - start < 3_000) {
      Reply reply = router.get("/user/alice/api/status", "Authorization", "token " + token);
      if (reply.status() != 200) {
        assertError(reply, 401, "authentication required");
        return System.currentTimeMillis() - start;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("the token was still accepted 3 s after its revocation");
  }

  @Test
  void anExpiredTokenIsNoCredential() throws Exception {
    String token = router.token("alice", false, System.currentTimeMillis() - 1);
    assertError(router.get("/user/alice/api/status", "Authorization", "token " + token), 401, "authentication required");
    assertRedirect(router.get("/user/alice/tree", "Sec-Fetch-Mode", "navigate", "Authorization", "token " + token),
      "/hub/login?next=%2Fuser%2Falice%2Ftree");
    assertTrue(router.notebook().untouched());
  }

  @Test
  void aMalformedOrUnknownTokenLeavesTheDecisionToTheCookie() throws Exception {
    for (String header : List.of("Basic YWxpY2U6c2VjcmV0", "token", "token a b", "Bearer " + "f".repeat(64))) {
      assertError(router.get("/user/alice/api/status", "Authorization", header), 401, "authentication required");
      assertReached(router.get("/user/alice/api/status", "Authorization", header, "Cookie", router.cookie("alice")));
    }
  }

  @Test
  void onALateLookupTheRequestWaitsAndItsBodyArrivesIntact() throws Exception {
    String token = router.token("alice", false, 0);
    router.answerLate(50);
    String body = "x".repeat(100_000);
    Reply reply = router.send(HttpMethod.POST, "/user/alice/api/contents",
      Buffer.buffer(body), "Authorization", "token " + token);
    assertReached(reply);
    assertEquals(body, reply.body().toString());
    assertTrue(router.lateAnswers() >= 2, "the token lookup and the route lookup both answered late");
  }

  @Test
  void whenTheSharedStateDoesNotAnswerATokenGets503() throws Exception {
    String token = router.token("alice", false, 0);
    router.state().failing(true);
    assertError(router.get("/user/alice/api/status", "Authorization", "token " + token), 503,
      "authentication state unavailable, try again");
    assertTrue(router.notebook().untouched());
  }
}
