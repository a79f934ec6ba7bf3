package io.wharf.session.store;

import io.vertx.core.Future;

import java.util.List;

/** Revocations in the database ({@code session_revocations}), behind {@link RevocationStore}. */
public interface RevocationRecords {

  /** Records {@code revocation}, keeping the later time and the later {@code forgetAfter} when the key is there. */
  Future<Void> save(Revocation revocation);

  /** The revocations still needed at {@code now}. */
  Future<List<Revocation>> current(long now);

  /** Deletes those every cookie of which has expired by {@code now}; the number deleted. */
  Future<Integer> purge(long now);
}
