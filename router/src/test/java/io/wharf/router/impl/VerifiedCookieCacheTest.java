package io.wharf.router.impl;

import io.wharf.session.SessionCookies;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class VerifiedCookieCacheTest {

  @Test
  void honoursExpiry() {
    VerifiedCookieCache cache = new VerifiedCookieCache(10);
    cache.put("c", new SessionCookies.Claims("alice", "a", "s", 0, 1_000));
    assertEquals("alice", cache.get("c", 999).claims.user());
    assertNull(cache.get("c", 1_000));
    assertEquals(0, cache.size());
  }

  @Test
  void staysBoundedAndEvictsTheLeastRecentlyUsed() {
    VerifiedCookieCache cache = new VerifiedCookieCache(3);
    for (int i = 0; i < 3; i++) {
      cache.put("c" + i, new SessionCookies.Claims("u" + i, "a", "s", 0, Long.MAX_VALUE));
    }
    cache.get("c0", 0);
    cache.put("c3", new SessionCookies.Claims("u3", "a", "s", 0, Long.MAX_VALUE));
    assertEquals(3, cache.size());
    assertNull(cache.get("c1", 0));
    assertEquals("u0", cache.get("c0", 0).claims.user());
    for (int i = 0; i < 10_000; i++) {
      cache.put("x" + i, new SessionCookies.Claims("x", "a", "s", 0, Long.MAX_VALUE));
    }
    assertEquals(3, cache.size());
  }
}
