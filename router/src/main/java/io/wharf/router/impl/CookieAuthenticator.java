package io.wharf.router.impl;

import io.wharf.session.SessionCookies;
import io.wharf.session.SessionRevocations;

/**
 * Verifies session cookies for one event loop, remembering the ones it verified (see
 * {@link VerifiedCookieCache}), so the MAC and JSON parsing run once per cookie. Every use of a
 * cookie, remembered or not, also asks {@link SessionRevocations} whether its session has ended,
 * unless no revocation reached this instance since the last time it asked for that cookie.
 */
final class CookieAuthenticator {

  private final SessionCookies cookies;
  private final SessionRevocations revocations;
  private final VerifiedCookieCache cache;

  CookieAuthenticator(SessionCookies cookies, SessionRevocations revocations, int cacheSize) {
    this.cookies = cookies;
    this.revocations = revocations;
    this.cache = new VerifiedCookieCache(cacheSize);
  }

  /**
   * One connection's last {@code Cookie} header and what it verified: a connection sends the
   * same header request after request, and comparing it costs less than hashing the cookie for
   * the cache (1.5 % of the router's CPU per proxied request, bench/README.md). Used on the
   * connection's event loop only.
   */
  static final class Memo {
    private String header;
    private VerifiedCookieCache.Verified verified;
  }

  /** The user a cookie value names, or null when it is absent, invalid, expired or its session has ended. */
  String user(String cookie) {
    long now = System.currentTimeMillis();
    return live(verified(cookie, now), now);
  }

  /** The same, for the cookie {@code name} in the {@code Cookie} header {@code header}, remembered in {@code memo}. */
  String user(String header, String name, Memo memo) {
    long now = System.currentTimeMillis();
    if (header == null || !header.equals(memo.header)) {
      memo.header = header;
      memo.verified = verified(CookieHeader.value(header, name), now);
    }
    return live(memo.verified, now);
  }

  /** What the cache, or else verifying, knows of {@code cookie}; null when it is absent or invalid. */
  private VerifiedCookieCache.Verified verified(String cookie, long now) {
    if (cookie == null) {
      return null;
    }
    VerifiedCookieCache.Verified verified = cache.get(cookie, now);
    if (verified == null) {
      try {
        verified = cache.put(cookie, cookies.verify(cookie));
      } catch (SessionCookies.InvalidCookieException e) {
        return null;
      }
    }
    return verified;
  }

  /** The user of a verified cookie, unless it has expired or its session has ended. */
  private String live(VerifiedCookieCache.Verified verified, long now) {
    if (verified == null || verified.claims.expiresAtMillis() <= now) {
      return null;
    }
    // Two local map reads (a replicated map), on a hit too, unless no revocation has reached this
    // instance since this cookie's session was last found live here: so a logout on any instance
    // takes effect here within the map's replication delay, never after the cache forgets.
    // The router does not look up the account to compare the cookie's account id with the
    // current one: that would be a read of the accounts map per request for an event that is
    // rare. Instead, deleting an account ends all of its sessions (a "not before" entry under
    // its id, which only its cookies carry), so a cookie of a deleted account is refused here
    // by the same lookup, and a re-created account of the same name has a new id. The hub,
    // which reads the account anyway, also compares the ids.
    long generation = revocations.generation();
    if (generation == SessionRevocations.UNTRACKED || verified.liveAt != generation) {
      if (revocations.revoked(verified.claims)) {
        return null;
      }
      // Read before the check: a revocation that came during it changes the generation again.
      verified.liveAt = generation;
    }
    return verified.claims.user();
  }
}
