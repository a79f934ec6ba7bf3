package io.wharf.router.impl;

import io.wharf.router.impl.RouterExtension.Reply;
import io.wharf.session.SessionCookies;
import io.wharf.session.SessionRevocations;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.wharf.router.impl.UserRequestHandlerTest.assertError;
import static io.wharf.router.impl.UserRequestHandlerTest.assertRedirect;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The router refuses a cookie whose login session has ended, read from the revocations every
 * instance shares, on the next request: also for a cookie this router verified and remembered
 * before, with no restart.
 */
class SessionRevocationTest {

  @RegisterExtension
  static final RouterExtension router = new RouterExtension();

  @BeforeEach
  void aliceRuns() throws Exception {
    router.put(router.notebook().running("alice", ""));
  }

  private static void accepted(String cookie) throws Exception {
    // Several requests, so that every event loop's cache of verified cookies has it.
    for (int i = 0; i < 8; i++) {
      Reply reply = router.get("/user/alice/api/status", "Cookie", cookie);
      assertEquals(200, reply.status(), () -> "body " + reply.body());
    }
  }

  private static void refused(String cookie) throws Exception {
    for (int i = 0; i < 8; i++) {
      assertRedirect(router.get("/user/alice/tree", "Sec-Fetch-Mode", "navigate", "Cookie", cookie), "/hub/login?next=%2Fuser%2Falice%2Ftree");
      assertError(router.get("/user/alice/api/status", "Accept", "application/json", "Cookie", cookie), 401, "authentication required");
    }
  }

  @Test
  void aRememberedCookieIsRefusedOnceItsSessionIsRevoked() throws Exception {
    String cookie = router.cookie("alice");
    String otherSession = router.cookie("alice");
    accepted(cookie);

    SessionCookies.Claims claims = router.claims(cookie);
    router.state().revocationMap().put(SessionRevocations.sessionKey(claims.sessionId()), System.currentTimeMillis());

    refused(cookie);
    accepted(otherSession);
  }

  @Test
  void everyCookieOfAnAccountIssuedUpToItsEndIsRefusedAndLaterOnesAreNot() throws Exception {
    String cookie = router.cookie("alice");
    accepted(cookie);
    long issuedAt = router.claims(cookie).issuedAtMillis();

    router.state().revocationMap().put(SessionRevocations.accountKey(RouterExtension.accountId("alice")), issuedAt);
    refused(cookie);

    router.state().revocationMap().put(SessionRevocations.accountKey(RouterExtension.accountId("alice")), issuedAt - 1_000);
    accepted(cookie);
  }

  @Test
  void aDeletedAccountsCookieIsRefusedWhileANewAccountOfTheSameNameIsServed() throws Exception {
    String old = router.cookie("alice");
    accepted(old);
    // Deleting the account ended all its sessions: a "not before" under its id.
    router.state().revocationMap().put(SessionRevocations.accountKey(RouterExtension.accountId("alice")), System.currentTimeMillis());
    refused(old);
    String newAccount = RouterExtension.COOKIE + "=" + router.cookies().issue("alice", "id-of-the-new-alice");
    accepted(newAccount);
  }
}
