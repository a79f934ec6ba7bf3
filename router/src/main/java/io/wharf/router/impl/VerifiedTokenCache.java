package io.wharf.router.impl;

import io.wharf.session.TokenAccess;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * API tokens this event loop looked up, by their secret, so a token's hash and lookup run at most
 * once per {@code ttl} rather than once per request. "No such token" is remembered too, so a
 * client that keeps sending a bad token costs one lookup per {@code ttl}. An entry is trusted
 * for {@code ttl} only: a revoked token, or one of a deleted account, is refused at most that
 * long after the cluster's near-cache learnt of it. Bounded (LRU) and confined to one event loop.
 */
final class VerifiedTokenCache {

  /** A remembered lookup: the grant (null for none) and when it was read. */
  record Entry(TokenAccess.Grant grant, long readAt) {
  }

  private final Map<String, Entry> entries;
  private final long ttlMillis;

  VerifiedTokenCache(int capacity, long ttlMillis) {
    this.ttlMillis = ttlMillis;
    this.entries = new LinkedHashMap<>(Math.min(capacity, 1024), 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
        return size() > capacity;
      }
    };
  }

  /** The lookup of {@code token} if it was read less than {@code ttl} before {@code now}, else null. */
  Entry get(String token, long now) {
    Entry entry = entries.get(token);
    if (entry != null && now - entry.readAt() >= ttlMillis) {
      entries.remove(token);
      return null;
    }
    return entry;
  }

  void put(String token, TokenAccess.Grant grant, long now) {
    entries.put(token, new Entry(grant, now));
  }

  int size() {
    return entries.size();
  }
}
