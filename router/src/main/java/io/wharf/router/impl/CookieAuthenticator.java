package io.wharf.router.impl;

import io.wharf.session.SessionCookies;

/**
 * Verifies session cookies for one event loop, remembering the ones it verified (see
 * {@link VerifiedCookieCache}), so the MAC and JSON parsing run once per cookie.
 */
final class CookieAuthenticator {

  private final SessionCookies cookies;
  private final VerifiedCookieCache cache;

  CookieAuthenticator(SessionCookies cookies, int cacheSize) {
    this.cookies = cookies;
    this.cache = new VerifiedCookieCache(cacheSize);
  }

  /** The user a cookie value names, or null when it is absent, invalid or expired. */
  String user(String cookie) {
    if (cookie == null) {
      return null;
    }
    long now = System.currentTimeMillis();
    SessionCookies.Claims claims = cache.get(cookie, now);
    if (claims == null) {
      try {
        claims = cookies.verify(cookie);
      } catch (SessionCookies.InvalidCookieException e) {
        return null;
      }
      cache.put(cookie, claims);
    }
    return claims.user();
  }
}
