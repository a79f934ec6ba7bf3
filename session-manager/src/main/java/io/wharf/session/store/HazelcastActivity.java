package io.wharf.session.store;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;

/** Observed activity in the {@code wharf-activity} map, written in batches by the routers. */
final class HazelcastActivity implements ActivityStore {

  private final Async async;
  private final IMap<String, Long> activity;

  HazelcastActivity(Vertx vertx, HazelcastInstance hazelcast) {
    this.async = new Async(vertx);
    this.activity = hazelcast.getMap(HazelcastMaps.ACTIVITY);
  }

  @Override
  public Future<Void> recordActivity(Map<String, Long> lastActivity) {
    return lastActivity.isEmpty() ? Future.succeededFuture() : async.adapt(activity.putAllAsync(lastActivity));
  }

  @Override
  public Future<Map<String, Long>> activity(Collection<String> keys) {
    return keys.isEmpty() ? Future.succeededFuture(Map.of()) : async.blocking(() -> new HashMap<>(activity.getAll(new HashSet<>(keys))));
  }
}
