package io.wharf.session.store;

import io.vertx.core.Future;

import java.util.List;

/** Shared API tokens, found by the hash of their secret. */
public interface TokenStore {

  /** The token whose secret hashes to {@code hash}, or null. Served from a local near-cache. */
  Future<ApiToken> tokenByHash(String hash);

  Future<Void> saveToken(ApiToken token);

  Future<List<ApiToken>> tokensOf(String user);

  Future<Void> removeToken(String hash);
}
