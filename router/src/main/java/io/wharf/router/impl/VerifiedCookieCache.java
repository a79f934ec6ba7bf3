package io.wharf.router.impl;

import io.wharf.session.SessionCookies;
import io.wharf.session.SessionRevocations;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Cookies already verified by this event loop, so the MAC and JSON parsing run once per cookie
 * rather than once per request. Keyed by the whole cookie value, signature included, so only a
 * byte-identical cookie hits; entries still honour their {@code exp}. Bounded (LRU) and confined
 * to one event loop, hence no locking.
 */
final class VerifiedCookieCache {

  /** A verified cookie's claims, and the revocations' generation at which its session was last found live. */
  static final class Verified {
    final SessionCookies.Claims claims;
    long liveAt = SessionRevocations.UNTRACKED;

    Verified(SessionCookies.Claims claims) {
      this.claims = claims;
    }
  }

  private final Map<String, Verified> entries;

  VerifiedCookieCache(int capacity) {
    this.entries = new LinkedHashMap<>(Math.min(capacity, 1024), 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Verified> eldest) {
        return size() > capacity;
      }
    };
  }

  /** What was verified of {@code cookie} before, if it has not expired. */
  Verified get(String cookie, long now) {
    Verified verified = entries.get(cookie);
    if (verified != null && verified.claims.expiresAtMillis() <= now) {
      entries.remove(cookie);
      return null;
    }
    return verified;
  }

  Verified put(String cookie, SessionCookies.Claims claims) {
    Verified verified = new Verified(claims);
    entries.put(cookie, verified);
    return verified;
  }

  int size() {
    return entries.size();
  }
}
