package io.wharf.session.impl;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.config.EvictionConfig;
import com.hazelcast.config.EvictionPolicy;
import com.hazelcast.config.IndexConfig;
import com.hazelcast.config.IndexType;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.NearCacheConfig;
import com.hazelcast.config.ReplicatedMapConfig;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.core.EntryListener;
import com.hazelcast.map.MapEvent;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryEvictedListener;
import com.hazelcast.map.listener.EntryExpiredListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.aggregation.Aggregators;
import com.hazelcast.query.Predicates;
import com.hazelcast.replicatedmap.ReplicatedMap;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.wharf.session.Account;
import io.wharf.session.AccountStore;
import io.wharf.session.ApiToken;
import io.wharf.session.ClusterView;
import io.wharf.session.InstanceInfo;
import io.wharf.session.Session;
import io.wharf.session.SessionStore;
import io.wharf.session.SharedState;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * The one class that touches Hazelcast. Shared state lives in:
 * <ul>
 *   <li>{@code wharf-sessions}: an {@link IMap} with a backup and a near-cache that keeps
 *       deserialized records on every member, so the router's per-request lookup is a local read;</li>
 *   <li>{@code wharf-accounts}: a replicated map, small and read on every hub request;</li>
 *   <li>{@code wharf-instances}, {@code wharf-draining}, {@code wharf-tombstones}: load reports,
 *       operator flags, and servers stopped while their instance was unreachable.</li>
 * </ul>
 * The leader is the oldest member, as Hazelcast orders them: no election of our own.
 */
public final class HazelcastStore implements SharedState {

  public static final String SESSIONS = "wharf-sessions";
  static final String ACCOUNTS = "wharf-accounts";
  static final String INSTANCES = "wharf-instances";
  static final String DRAINING = "wharf-draining";
  static final String TOMBSTONES = "wharf-tombstones";
  static final String TOKENS = "wharf-tokens";
  static final String ACTIVITY = "wharf-activity";

  private final Vertx vertx;
  private final HazelcastInstance hazelcast;
  private final IMap<String, Session> sessions;
  private final ReplicatedMap<String, Account> accounts;
  private final IMap<String, InstanceInfo> instances;
  private final IMap<String, Boolean> draining;
  private final IMap<String, Boolean> tombstones;
  private final IMap<String, ApiToken> tokens;
  private final IMap<String, Long> activity;
  // Keys of named servers ("user/server"), kept by a map listener so the router asks locally.
  private final Set<String> namedServers = ConcurrentHashMap.newKeySet();

  public HazelcastStore(Vertx vertx, HazelcastInstance hazelcast) {
    this.vertx = vertx;
    this.hazelcast = hazelcast;
    this.sessions = hazelcast.getMap(SESSIONS);
    this.accounts = hazelcast.getReplicatedMap(ACCOUNTS);
    this.instances = hazelcast.getMap(INSTANCES);
    this.draining = hazelcast.getMap(DRAINING);
    this.tombstones = hazelcast.getMap(TOMBSTONES);
    this.tokens = hazelcast.getMap(TOKENS);
    this.activity = hazelcast.getMap(ACTIVITY);
    sessions.addEntryListener(new NamedServerIndex(namedServers), false);
    for (String key : sessions.keySet()) {
      if (!key.endsWith("/")) {
        namedServers.add(key);
      }
    }
  }

  /** Follows the session map's keys; a default server's key ends with '/', a named one's does not. */
  private record NamedServerIndex(Set<String> keys) implements EntryAddedListener<String, Session>,
    EntryRemovedListener<String, Session>, EntryEvictedListener<String, Session>, EntryExpiredListener<String, Session> {
    @Override
    public void entryAdded(EntryEvent<String, Session> event) {
      if (!event.getKey().endsWith("/")) {
        keys.add(event.getKey());
      }
    }

    @Override
    public void entryRemoved(EntryEvent<String, Session> event) {
      keys.remove(event.getKey());
    }

    @Override
    public void entryEvicted(EntryEvent<String, Session> event) {
      keys.remove(event.getKey());
    }

    @Override
    public void entryExpired(EntryEvent<String, Session> event) {
      keys.remove(event.getKey());
    }
  }

  @Override
  public boolean hasNamedServer(String user, String server) {
    return !namedServers.isEmpty() && namedServers.contains(Session.key(user, server));
  }

  @Override
  public Future<Void> recordActivity(Map<String, Long> lastActivity) {
    return lastActivity.isEmpty() ? Future.succeededFuture() : adapt(activity.putAllAsync(lastActivity));
  }

  @Override
  public Future<Map<String, Long>> activity(Collection<String> keys) {
    return keys.isEmpty() ? Future.succeededFuture(Map.of()) : blocking(() -> new HashMap<>(activity.getAll(new HashSet<>(keys))));
  }

  /** Adds the map settings the store relies on; call before the Hazelcast instance starts. */
  public static void configure(Config config) {
    // Near-caches learn of changes through invalidation events, which Hazelcast batches for up
    // to 10 s by default: a server that became ready, or was stopped, would look unchanged to
    // the other routers for that long. Sent one by one, they arrive within milliseconds.
    config.setProperty("hazelcast.map.invalidation.batch.enabled", "false");
    NearCacheConfig nearCache = new NearCacheConfig(SESSIONS)
      .setInMemoryFormat(InMemoryFormat.OBJECT)
      .setCacheLocalEntries(true)
      .setInvalidateOnChange(true)
      .setEvictionConfig(new EvictionConfig().setEvictionPolicy(EvictionPolicy.LRU).setSize(1_000_000));
    // Lookups by user, instance and state go through indexes instead of deserializing every
    // session: the leader and the culler run them every few seconds, the hub on users' calls,
    // and the map may hold a hundred thousand sessions.
    config.addMapConfig(new MapConfig(SESSIONS).setBackupCount(1).setReadBackupData(true).setNearCacheConfig(nearCache)
      .addIndexConfig(new IndexConfig(IndexType.HASH, "user"))
      .addIndexConfig(new IndexConfig(IndexType.HASH, "instance"))
      .addIndexConfig(new IndexConfig(IndexType.HASH, "state")));
    config.addMapConfig(new MapConfig(INSTANCES).setBackupCount(1));
    config.addMapConfig(new MapConfig(DRAINING).setBackupCount(1));
    // Activity outlives no server by much: a week without a write means the server is long gone.
    config.addMapConfig(new MapConfig(ACTIVITY).setBackupCount(1).setMaxIdleSeconds(7 * 86_400));
    config.addMapConfig(new MapConfig(TOMBSTONES).setBackupCount(1).setTimeToLiveSeconds(86_400));
    config.addMapConfig(new MapConfig(TOKENS).setBackupCount(1).setNearCacheConfig(new NearCacheConfig(TOKENS)
      .setInMemoryFormat(InMemoryFormat.OBJECT).setCacheLocalEntries(true).setInvalidateOnChange(true)));
    config.addReplicatedMapConfig(new ReplicatedMapConfig(ACCOUNTS).setInMemoryFormat(InMemoryFormat.OBJECT));
  }

  // ---- sessions

  @Override
  public Future<Session> get(String key) {
    CompletableFuture<Session> stage = sessions.getAsync(key).toCompletableFuture();
    if (stage.isDone() && !stage.isCompletedExceptionally()) {
      // A near-cache hit completes at once: answer without a context hop.
      return Future.succeededFuture(stage.getNow(null));
    }
    return adapt(stage);
  }

  @Override
  public Future<Void> put(Session session) {
    return adapt(sessions.setAsync(session.key(), session));
  }

  @Override
  public Future<Session> putIfAbsent(Session session) {
    return blocking(() -> sessions.putIfAbsent(session.key(), session));
  }

  @Override
  public Future<Boolean> replace(Session expected, Session next) {
    return blocking(() -> sessions.replace(next.key(), expected, next));
  }

  @Override
  public Future<Void> remove(String key) {
    return adapt(sessions.removeAsync(key)).mapEmpty();
  }

  @Override
  public Future<List<Session>> sessionsOf(String user) {
    return blocking(() -> new ArrayList<>(sessions.values(Predicates.equal("user", user))));
  }

  @Override
  public Future<List<Session>> sessionsOn(String instance) {
    return blocking(() -> new ArrayList<>(sessions.values(Predicates.equal("instance", instance))));
  }

  @Override
  public Future<List<Session>> sessionsIn(Session.State state) {
    return blocking(() -> new ArrayList<>(sessions.values(Predicates.equal("state", state))));
  }

  @Override
  public Future<Integer> countOn(String instance) {
    return blocking(() -> sessions.aggregate(Aggregators.count(), Predicates.equal("instance", instance)).intValue());
  }

  @Override
  public Future<List<Session>> allSessions() {
    return blocking(() -> new ArrayList<>(sessions.values()));
  }

  // ---- accounts

  @Override
  public Account account(String name) {
    return accounts.get(name);
  }

  @Override
  public void saveAccount(Account account) {
    accounts.put(account.name(), account);
  }

  @Override
  public void removeAccount(String name) {
    accounts.remove(name);
  }

  @Override
  public Collection<Account> accounts() {
    return List.copyOf(accounts.values());
  }

  @Override
  public void onAccountsChanged(Runnable listener) {
    accounts.addEntryListener(new AccountChanges(listener));
  }

  private record AccountChanges(Runnable listener) implements EntryListener<String, Account> {
    @Override
    public void entryAdded(EntryEvent<String, Account> event) {
      listener.run();
    }

    @Override
    public void entryUpdated(EntryEvent<String, Account> event) {
      listener.run();
    }

    @Override
    public void entryRemoved(EntryEvent<String, Account> event) {
      listener.run();
    }

    @Override
    public void entryEvicted(EntryEvent<String, Account> event) {
      listener.run();
    }

    @Override
    public void entryExpired(EntryEvent<String, Account> event) {
      listener.run();
    }

    @Override
    public void mapCleared(MapEvent event) {
      listener.run();
    }

    @Override
    public void mapEvicted(MapEvent event) {
      listener.run();
    }
  }

  // ---- tokens

  @Override
  public Future<ApiToken> tokenByHash(String hash) {
    CompletableFuture<ApiToken> stage = tokens.getAsync(hash).toCompletableFuture();
    if (stage.isDone() && !stage.isCompletedExceptionally()) {
      return Future.succeededFuture(stage.getNow(null));
    }
    return adapt(stage);
  }

  @Override
  public Future<Void> saveToken(ApiToken token) {
    return adapt(tokens.setAsync(token.hash(), token));
  }

  @Override
  public Future<List<ApiToken>> tokensOf(String user) {
    return blocking(() -> new ArrayList<>(tokens.values(Predicates.equal("user", user))));
  }

  @Override
  public Future<Void> removeToken(String hash) {
    return adapt(tokens.removeAsync(hash)).mapEmpty();
  }

  // ---- cluster

  @Override
  public String localMember() {
    return hazelcast.getCluster().getLocalMember().getUuid().toString();
  }

  @Override
  public Set<String> liveMembers() {
    Set<String> ids = new HashSet<>();
    for (Member member : hazelcast.getCluster().getMembers()) {
      ids.add(member.getUuid().toString());
    }
    return ids;
  }

  @Override
  public boolean isLeader() {
    return hazelcast.getCluster().getMembers().iterator().next().localMember();
  }

  @Override
  public String leaderMember() {
    return hazelcast.getCluster().getMembers().iterator().next().getUuid().toString();
  }

  @Override
  public Future<Boolean> safe() {
    // Asks every member whether its partitions' backups are in sync: a remote call, off the loop.
    return blocking(() -> hazelcast.getPartitionService().isClusterSafe());
  }

  @Override
  public void onMembershipChange(Runnable listener) {
    hazelcast.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
        listener.run();
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        listener.run();
      }
    });
  }

  @Override
  public Future<Void> report(InstanceInfo info) {
    return adapt(instances.setAsync(info.id(), info));
  }

  @Override
  public Future<List<InstanceInfo>> instances() {
    return blocking(() -> new ArrayList<>(instances.values()));
  }

  @Override
  public Future<Void> setDraining(String instance, boolean on) {
    return on ? adapt(draining.setAsync(instance, Boolean.TRUE)) : adapt(draining.removeAsync(instance)).mapEmpty();
  }

  @Override
  public Future<Set<String>> draining() {
    return blocking(() -> new HashSet<>(draining.keySet()));
  }

  @Override
  public Future<Void> tombstone(String containerId) {
    return adapt(tombstones.setAsync(containerId, Boolean.TRUE, 1, TimeUnit.DAYS));
  }

  @Override
  public Future<Boolean> isTombstoned(String containerId) {
    return adapt(tombstones.getAsync(containerId)).map(v -> v != null);
  }

  private <T> Future<T> blocking(java.util.concurrent.Callable<T> call) {
    return vertx.executeBlocking(call, false);
  }

  private <T> Future<T> adapt(CompletionStage<T> stage) {
    return Future.fromCompletionStage(stage, vertx.getOrCreateContext());
  }
}
