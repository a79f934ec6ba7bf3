package io.wharf.session.account;

import io.vertx.core.Future;
import io.wharf.session.store.ApiToken;
import io.wharf.session.store.TokenRecords;
import io.wharf.session.store.TokenStore;

import java.util.List;

/**
 * API tokens as the hub uses them: read from the cluster's cache (never the database, so a
 * flood of bad tokens costs the database nothing), written to the database first and then to
 * the cache. A future succeeds only when both did, so a token whose creation was answered 201
 * survives any stop, and a revoked one stays revoked.
 */
public final class WriteThroughTokens implements TokenStore {

  private final TokenRecords records;
  private final TokenStore cache;

  public WriteThroughTokens(TokenRecords records, TokenStore cache) {
    this.records = records;
    this.cache = cache;
  }

  @Override
  public Future<ApiToken> tokenByHash(String hash) {
    return cache.tokenByHash(hash);
  }

  /** When the cache refuses the token, it is taken back out of the database: its secret was never shown. */
  @Override
  public Future<Void> saveToken(ApiToken token) {
    return records.insert(token).compose(v -> cache.saveToken(token)
      .recover(err -> records.delete(token.hash()).transform(ignored -> Future.failedFuture(err))));
  }

  @Override
  public Future<List<ApiToken>> tokensOf(String accountId) {
    return cache.tokensOf(accountId);
  }

  @Override
  public Future<Void> removeToken(String hash) {
    return records.delete(hash).compose(v -> cache.removeToken(hash));
  }

  @Override
  public Future<Void> removeTokensOf(String accountId) {
    return records.deleteOwnedBy(accountId).compose(v -> cache.removeTokensOf(accountId));
  }
}
