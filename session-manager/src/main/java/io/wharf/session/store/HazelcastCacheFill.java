package io.wharf.session.store;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.replicatedmap.ReplicatedMap;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Fills the accounts and tokens caches once per life of the cluster. A marker in the
 * {@code wharf-store} map says they are filled; it lives exactly as long as the caches do (it
 * vanishes when every instance stopped). The check and the fill run under that map's lock on
 * the marker, which Hazelcast releases if the member holding it dies.
 */
final class HazelcastCacheFill implements CacheFill {

  private static final String FILLED = "filled";

  private final Async async;
  private final HazelcastInstance hazelcast;

  HazelcastCacheFill(Vertx vertx, HazelcastInstance hazelcast) {
    this.async = new Async(vertx);
    this.hazelcast = hazelcast;
  }

  @Override
  public Future<Boolean> fillOnce(Collection<Account> accounts, Collection<ApiToken> tokens) {
    // One worker thread takes, uses and releases the lock: Hazelcast's locks belong to a thread.
    return async.blocking(() -> {
      IMap<String, Long> marks = hazelcast.getMap(HazelcastMaps.STORE);
      marks.lock(FILLED);
      try {
        if (marks.containsKey(FILLED)) {
          return false;
        }
        ReplicatedMap<String, Account> cachedAccounts = hazelcast.getReplicatedMap(HazelcastMaps.ACCOUNTS);
        Map<String, Account> byName = accounts.stream().collect(Collectors.toMap(Account::name, a -> a));
        for (String name : Set.copyOf(cachedAccounts.keySet())) {
          if (!byName.containsKey(name)) {
            cachedAccounts.remove(name);
          }
        }
        cachedAccounts.putAll(byName);
        Map<String, ApiToken> byHash = new HashMap<>();
        tokens.forEach(token -> byHash.put(token.hash(), token));
        IMap<String, ApiToken> cachedTokens = hazelcast.getMap(HazelcastMaps.TOKENS);
        cachedTokens.putAll(byHash);
        marks.set(FILLED, System.currentTimeMillis());
        return true;
      } finally {
        marks.unlock(FILLED);
      }
    });
  }
}
