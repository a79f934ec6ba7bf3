package io.wharf.router.impl;

import io.wharf.session.TokenAccess.Grant;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

class VerifiedTokenCacheTest {

  private static final Grant ALICE = new Grant("alice", false, Set.of(), 0);

  @Test
  void trustsALookupForItsTimeToLiveOnly() {
    VerifiedTokenCache cache = new VerifiedTokenCache(10, 1_000);
    cache.put("t", ALICE, 5_000);
    assertEquals(ALICE, cache.get("t", 5_999).grant());
    assertNull(cache.get("t", 6_000));
    assertEquals(0, cache.size());
  }

  @Test
  void remembersThatATokenGrantsNothing() {
    VerifiedTokenCache cache = new VerifiedTokenCache(10, 1_000);
    cache.put("bad", null, 0);
    VerifiedTokenCache.Entry entry = cache.get("bad", 10);
    assertNotNull(entry);
    assertNull(entry.grant());
  }

  @Test
  void staysBoundedAndEvictsTheLeastRecentlyUsed() {
    VerifiedTokenCache cache = new VerifiedTokenCache(3, 1_000);
    for (int i = 0; i < 3; i++) {
      cache.put("t" + i, ALICE, 0);
    }
    cache.get("t0", 0);
    cache.put("t3", ALICE, 0);
    assertNull(cache.get("t1", 0));
    assertNotNull(cache.get("t0", 0));
    for (int i = 0; i < 10_000; i++) {
      cache.put("x" + i, null, 0);
    }
    assertEquals(3, cache.size());
  }
}
