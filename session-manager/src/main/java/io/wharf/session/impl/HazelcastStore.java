package io.wharf.session.impl;

import com.hazelcast.config.Config;
import com.hazelcast.config.EvictionConfig;
import com.hazelcast.config.EvictionPolicy;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.NearCacheConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.query.Predicates;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.wharf.session.Session;
import io.wharf.session.SessionStore;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The one class that touches Hazelcast's maps. Sessions live in an {@link IMap} with a backup
 * and a near-cache that keeps deserialized records on every member, so the router's per-request
 * lookup is a local read; a miss goes to the owning member asynchronously.
 */
public final class HazelcastSessionStore implements SessionStore {

  public static final String SESSIONS = "wharf-sessions";

  private final Vertx vertx;
  private final IMap<String, Session> sessions;

  public HazelcastSessionStore(Vertx vertx, HazelcastInstance hazelcast) {
    this.vertx = vertx;
    this.sessions = hazelcast.getMap(SESSIONS);
  }

  /** Adds the map settings the store relies on; call before the Hazelcast instance starts. */
  public static void configure(Config config) {
    NearCacheConfig nearCache = new NearCacheConfig(SESSIONS)
      .setInMemoryFormat(InMemoryFormat.OBJECT)
      .setCacheLocalEntries(true)
      .setInvalidateOnChange(true)
      .setEvictionConfig(new EvictionConfig().setEvictionPolicy(EvictionPolicy.LRU).setSize(1_000_000));
    config.addMapConfig(new MapConfig(SESSIONS)
      .setBackupCount(1)
      .setReadBackupData(true)
      .setNearCacheConfig(nearCache));
  }

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
    return vertx.executeBlocking(() -> sessions.putIfAbsent(session.key(), session), false);
  }

  @Override
  public Future<Boolean> replace(Session expected, Session next) {
    return vertx.executeBlocking(() -> sessions.replace(next.key(), expected, next), false);
  }

  @Override
  public Future<Void> remove(String key) {
    return adapt(sessions.removeAsync(key)).mapEmpty();
  }

  @Override
  public Future<List<Session>> sessionsOf(String user) {
    return vertx.executeBlocking(() -> new ArrayList<>(sessions.values(Predicates.equal("user", user))), false);
  }

  @Override
  public Future<List<Session>> sessionsOn(String instance) {
    return vertx.executeBlocking(() -> new ArrayList<>(sessions.values(Predicates.equal("instance", instance))), false);
  }

  private <T> Future<T> adapt(CompletionStage<T> stage) {
    return Future.fromCompletionStage(stage, vertx.getOrCreateContext());
  }
}
