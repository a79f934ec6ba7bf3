package io.wharf.session.store;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.replicatedmap.ReplicatedMap;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.Collection;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.TimeUnit;

/**
 * Revocations in the {@code wharf-revocations} replicated map: every member holds all of them,
 * so a check is a local map read, and a write reaches the other members within milliseconds.
 * Each entry lives until its {@code forgetAfter}. The map's own events, and this instance's
 * writes once made, change the {@link #generation}, so that the router checks a cookie's
 * session again only after some revocation reached this instance.
 */
final class HazelcastRevocations implements RevocationStore {

  private final Async async;
  private final ReplicatedMap<String, Long> revocations;
  private final AtomicLong generation = new AtomicLong();

  HazelcastRevocations(Vertx vertx, HazelcastInstance hazelcast) {
    this.async = new Async(vertx);
    this.revocations = hazelcast.getReplicatedMap(HazelcastMaps.REVOCATIONS);
    // Every change of this member's copy, whichever member wrote it (a replicated map's listener
    // hears its own member's copy).
    revocations.addEntryListener(new ChangeCounter<>(generation));
  }

  @Override
  public Long revokedAt(String key) {
    return revocations.get(key);
  }

  @Override
  public long generation() {
    return generation.get();
  }

  @Override
  public Future<Void> revoke(Revocation revocation) {
    return async.blocking(() -> {
      put(revocation);
      return null;
    });
  }

  @Override
  public Future<Void> fill(Collection<Revocation> all) {
    return async.blocking(() -> {
      all.forEach(this::put);
      return null;
    });
  }

  private void put(Revocation revocation) {
    long ttl = revocation.forgetAfter() - System.currentTimeMillis();
    Long cached = revocations.get(revocation.key());
    if (ttl > 0 && (cached == null || cached < revocation.at())) {
      revocations.put(revocation.key(), revocation.at(), ttl, TimeUnit.MILLISECONDS);
      // At once, not only when the map's event comes: the write is answered after this.
      generation.incrementAndGet();
    }
  }
}
