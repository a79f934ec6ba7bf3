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
 * the marker, which Hazelcast releases if the member holding it dies. A member that joins a
 * filled cluster waits until its own copy of the replicated accounts map has caught up, so it
 * does not start serving (or re-create the initial admin) on a partial copy.
 */
final class HazelcastCacheFill implements CacheFill {

  private static final String FILLED = "filled";
  private static final long CATCH_UP_MILLIS = 10_000;

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
      ReplicatedMap<String, Account> cachedAccounts = hazelcast.getReplicatedMap(HazelcastMaps.ACCOUNTS);
      boolean filledHere;
      marks.lock(FILLED);
      try {
        filledHere = !marks.containsKey(FILLED);
        if (filledHere) {
          fill(cachedAccounts, accounts, tokens);
          marks.set(FILLED, System.currentTimeMillis());
        }
      } finally {
        marks.unlock(FILLED);
      }
      if (!filledHere) {
        awaitReplica(cachedAccounts, accounts);
      }
      return filledHere;
    });
  }

  private void fill(ReplicatedMap<String, Account> cachedAccounts, Collection<Account> accounts, Collection<ApiToken> tokens) {
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
  }

  /**
   * Waits, for a while, until this member's copy of the accounts map holds the accounts the
   * database had a moment ago (an account deleted since would never show, hence the bound).
   */
  private static void awaitReplica(ReplicatedMap<String, Account> cached, Collection<Account> accounts) throws InterruptedException {
    long deadline = System.currentTimeMillis() + CATCH_UP_MILLIS;
    while (!accounts.stream().allMatch(a -> cached.containsKey(a.name())) && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
  }
}
