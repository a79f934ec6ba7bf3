package io.wharf.session.store;

import io.vertx.core.Future;

import java.util.List;

/**
 * API tokens as the database keeps them, each bound to its owner's account id. Every call runs
 * off the event loop, and a succeeded future means the change is committed.
 */
public interface TokenRecords {

  /** Every token, each with its owner's current name. */
  Future<List<ApiToken>> all();

  /** Adds {@code token}; fails when its account no longer exists. */
  Future<Void> insert(ApiToken token);

  /** Deletes the token whose secret hashes to {@code hash}; false when there was none. */
  Future<Boolean> delete(String hash);

  /** Deletes every token of the account; returns how many there were. */
  Future<Integer> deleteOwnedBy(String accountId);
}
