package io.wharf.session.store;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.replicatedmap.ReplicatedMap;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.Collection;
import java.util.concurrent.TimeUnit;

/**
 * Revocations in the {@code wharf-revocations} replicated map: every member holds all of them,
 * so a check is a local map read, and a write reaches the other members within milliseconds.
 * Each entry lives until its {@code forgetAfter}.
 */
final class HazelcastRevocations implements RevocationStore {

  private final Async async;
  private final ReplicatedMap<String, Long> revocations;

  HazelcastRevocations(Vertx vertx, HazelcastInstance hazelcast) {
    this.async = new Async(vertx);
    this.revocations = hazelcast.getReplicatedMap(HazelcastMaps.REVOCATIONS);
  }

  @Override
  public Long revokedAt(String key) {
    return revocations.get(key);
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
    }
  }
}
