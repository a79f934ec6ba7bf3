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

  /** The user a cookie value names, or null when it is absent, invalid, expired or its session has ended. */
  String user(String cookie) {
    if (cookie == null) {
      return null;
    }
    long now = System.currentTimeMillis();
    VerifiedCookieCache.Verified verified = cache.get(cookie, now);
    if (verified == null) {
      try {
        verified = cache.put(cookie, cookies.verify(cookie));
      } catch (SessionCookies.InvalidCookieException e) {
        return null;
      }
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
