package io.wharf.session.store;

import io.vertx.core.Future;

import java.util.List;

/**
 * API tokens as the cluster shares them, found by the hash of their secret. The hub writes
 * through to the database first ({@link TokenRecords}); this is the cache in front of it.
 */
public interface TokenStore {

  /** The token whose secret hashes to {@code hash}, or null. Served from a local near-cache. */
  Future<ApiToken> tokenByHash(String hash);

  Future<Void> saveToken(ApiToken token);

  /** The tokens of the account with this id. */
  Future<List<ApiToken>> tokensOf(String accountId);

  Future<Void> removeToken(String hash);

  /** Removes every token of the account with this id. */
  Future<Void> removeTokensOf(String accountId);
}
