package io.wharf.router.impl;

import io.wharf.session.SessionCookies;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Cookies already verified by this event loop, so the MAC and JSON parsing run once per cookie
 * rather than once per request. Keyed by the whole cookie value, signature included, so only a
 * byte-identical cookie hits; entries still honour their {@code exp}. Bounded (LRU) and confined
 * to one event loop, hence no locking.
 */
final class VerifiedCookieCache {

  private final Map<String, SessionCookies.Claims> entries;

  VerifiedCookieCache(int capacity) {
    this.entries = new LinkedHashMap<>(Math.min(capacity, 1024), 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, SessionCookies.Claims> eldest) {
        return size() > capacity;
      }
    };
  }

  /** The claims of {@code cookie} if it was verified before and has not expired. */
  SessionCookies.Claims get(String cookie, long now) {
    SessionCookies.Claims claims = entries.get(cookie);
    if (claims != null && claims.expiresAtMillis() <= now) {
      entries.remove(cookie);
      return null;
    }
    return claims;
  }

  void put(String cookie, SessionCookies.Claims claims) {
    entries.put(cookie, claims);
  }

  int size() {
    return entries.size();
  }
}
