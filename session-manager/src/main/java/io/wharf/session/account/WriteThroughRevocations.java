package io.wharf.session.account;

import io.vertx.core.Future;
import io.wharf.session.store.Revocation;
import io.wharf.session.store.RevocationRecords;
import io.wharf.session.store.RevocationStore;

import java.util.Collection;

/**
 * Revocations as the hub writes them: to the database first, then to the cluster's replicated
 * map, like {@link WriteThroughTokens}. A logout answered is durable: the session stays ended
 * after every instance restarts. Reads come from the map only.
 */
public final class WriteThroughRevocations implements RevocationStore {

  private final RevocationRecords records;
  private final RevocationStore cache;

  public WriteThroughRevocations(RevocationRecords records, RevocationStore cache) {
    this.records = records;
    this.cache = cache;
  }

  @Override
  public Long revokedAt(String key) {
    return cache.revokedAt(key);
  }

  @Override
  public long generation() {
    return cache.generation();
  }

  @Override
  public Future<Void> revoke(Revocation revocation) {
    return records.save(revocation).compose(v -> cache.revoke(revocation));
  }

  @Override
  public Future<Void> fill(Collection<Revocation> revocations) {
    return cache.fill(revocations);
  }
}
