package io.wharf.session.store;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.query.Predicates;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.List;

/** API tokens in the {@code wharf-tokens} map, keyed by the hash of their secret, near-cached. */
final class HazelcastTokens implements TokenStore {

  private final Async async;
  private final IMap<String, ApiToken> tokens;

  HazelcastTokens(Vertx vertx, HazelcastInstance hazelcast) {
    this.async = new Async(vertx);
    this.tokens = hazelcast.getMap(HazelcastMaps.TOKENS);
  }

  @Override
  public Future<ApiToken> tokenByHash(String hash) {
    return async.read(tokens.getAsync(hash));
  }

  @Override
  public Future<Void> saveToken(ApiToken token) {
    return async.adapt(tokens.setAsync(token.hash(), token));
  }

  @Override
  public Future<List<ApiToken>> tokensOf(String accountId) {
    return async.blocking(() -> new ArrayList<>(tokens.values(Predicates.equal("accountId", accountId))));
  }

  @Override
  public Future<Void> removeToken(String hash) {
    return async.adapt(tokens.removeAsync(hash)).mapEmpty();
  }

  @Override
  public Future<Void> removeTokensOf(String accountId) {
    return async.blocking(() -> {
      tokens.removeAll(Predicates.equal("accountId", accountId));
      return null;
    });
  }
}
