package io.wharf.router.impl;

import io.wharf.session.SessionCookies;
import io.wharf.session.SessionRevocations;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** When {@link CookieAuthenticator} asks whether a cookie's session has ended. */
class CookieAuthenticatorTest {

  private final SessionCookies cookies = SessionCookies.create(List.of(new byte[32]), Duration.ofHours(1));

  /** Revocations in a map, counting reads; {@code tracked}: with a generation that every write changes. */
  private static final class CountingRevocations implements SessionRevocations {
    final Map<String, Long> entries = new ConcurrentHashMap<>();
    final boolean tracked;
    long generation;
    int reads;

    CountingRevocations(boolean tracked) {
      this.tracked = tracked;
    }

    @Override
    public Long revokedAt(String key) {
      reads++;
      return entries.get(key);
    }

    @Override
    public long generation() {
      return tracked ? generation : UNTRACKED;
    }

    void revoke(String key) {
      entries.put(key, System.currentTimeMillis());
      generation++;
    }
  }

  @Test
  void aLiveSessionIsCheckedAgainOnlyAfterSomeRevocationReachedTheInstance() throws Exception {
    CountingRevocations revocations = new CountingRevocations(true);
    CookieAuthenticator authenticator = new CookieAuthenticator(cookies, revocations, 100);
    String alice = cookies.issue("alice", "a1");
    String bob = cookies.issue("bob", "b1");
    assertEquals("alice", authenticator.user(alice));
    assertEquals(2, revocations.reads, "the session's and the account's entries");
    assertEquals("alice", authenticator.user(alice));
    assertEquals("bob", authenticator.user(bob));
    assertEquals(4, revocations.reads, "alice's second request read nothing; bob's first read both");

    // Another session of bob's ends: every cookie is checked again, once.
    revocations.revoke(SessionRevocations.sessionKey("another"));
    assertEquals("alice", authenticator.user(alice));
    assertEquals("alice", authenticator.user(alice));
    assertEquals(6, revocations.reads);

    // Alice logs out: her cookie is refused at once, and on every request after.
    revocations.revoke(SessionRevocations.sessionKey(cookies.verify(alice).sessionId()));
    assertNull(authenticator.user(alice));
    assertNull(authenticator.user(alice));
    assertEquals("bob", authenticator.user(bob));
  }

  @Test
  void anAccountsEndOfAllSessionsRefusesItsCookiesAtOnce() throws Exception {
    CountingRevocations revocations = new CountingRevocations(true);
    CookieAuthenticator authenticator = new CookieAuthenticator(cookies, revocations, 100);
    String alice = cookies.issue("alice", "a1");
    assertEquals("alice", authenticator.user(alice));
    revocations.revoke(SessionRevocations.accountKey("a1"));
    assertNull(authenticator.user(alice));
  }

  @Test
  void withoutAGenerationEveryRequestChecks() {
    CountingRevocations revocations = new CountingRevocations(false);
    CookieAuthenticator authenticator = new CookieAuthenticator(cookies, revocations, 100);
    String alice = cookies.issue("alice", "a1");
    for (int i = 0; i < 3; i++) {
      assertEquals("alice", authenticator.user(alice));
    }
    assertEquals(6, revocations.reads);
    revocations.entries.put(SessionRevocations.accountKey("a1"), System.currentTimeMillis());
    assertNull(authenticator.user(alice), "refused without any generation change");
  }

  @Test
  void aConnectionsRepeatedCookieHeaderIsCheckedWithoutTheCacheAndStillRefusedOnceRevoked() throws Exception {
    CountingRevocations revocations = new CountingRevocations(true);
    CookieAuthenticator authenticator = new CookieAuthenticator(cookies, revocations, 100);
    CookieAuthenticator.Memo memo = new CookieAuthenticator.Memo();
    String alice = cookies.issue("alice", "a1");
    String header = "theme=dark; wharf-session=" + alice;
    assertEquals("alice", authenticator.user(header, "wharf-session", memo));
    assertEquals("alice", authenticator.user(header, "wharf-session", memo));
    assertEquals(2, revocations.reads);
    assertNull(authenticator.user("wharf-session=forged", "wharf-session", memo), "another header is verified again");
    assertNull(authenticator.user(null, "wharf-session", memo));
    assertEquals("alice", authenticator.user(header, "wharf-session", memo));
    revocations.revoke(SessionRevocations.sessionKey(cookies.verify(alice).sessionId()));
    assertNull(authenticator.user(header, "wharf-session", memo), "the same header, refused at once");
  }

  @Test
  void aRememberedCookieThatExpiredIsRefused() throws Exception {
    SessionCookies shortLived = SessionCookies.create(List.of(new byte[32]), Duration.ofSeconds(1));
    CookieAuthenticator authenticator = new CookieAuthenticator(shortLived, new CountingRevocations(true), 100);
    CookieAuthenticator.Memo memo = new CookieAuthenticator.Memo();
    String header = "wharf-session=" + shortLived.issue("alice", "a1");
    long deadline = System.currentTimeMillis() + 5_000;
    String user = authenticator.user(header, "wharf-session", memo);
    while (user != null && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
      user = authenticator.user(header, "wharf-session", memo);
    }
    assertNull(user);
  }
}
