package io.wharf.session.store;

import io.vertx.core.Future;
import io.wharf.session.SessionRevocations;

import java.util.Collection;

/**
 * The revocations as the cluster shares them (the hub writes through to the database first,
 * {@link RevocationRecords}). Each key keeps the latest time written to it.
 */
public interface RevocationStore extends SessionRevocations {

  Future<Void> revoke(Revocation revocation);

  /** Adds {@code revocations} (read from the database at start); never lowers a newer time already cached. */
  Future<Void> fill(Collection<Revocation> revocations);
}
