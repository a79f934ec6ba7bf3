package io.wharf.session.store;

import com.hazelcast.aggregation.Aggregators;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryEvictedListener;
import com.hazelcast.map.listener.EntryExpiredListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.query.Predicates;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.wharf.session.ServerRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Server records in the {@code wharf-servers} map: one backup, indexes on user, instance and
 * state, and a near-cache of deserialized records on every member (see {@link HazelcastMaps}),
 * so the router's per-request lookup is a local read.
 */
final class HazelcastServers implements ServerStore {

  private final Async async;
  private final IMap<String, ServerRecord> servers;
  // Keys of named servers ("user/server"), kept by a map listener so the router asks locally.
  private final Set<String> namedServers = ConcurrentHashMap.newKeySet();
  private final AtomicLong generation = new AtomicLong();

  HazelcastServers(Vertx vertx, HazelcastInstance hazelcast) {
    this.async = new Async(vertx);
    this.servers = hazelcast.getMap(HazelcastMaps.SERVERS);
    servers.addEntryListener(new NamedServerIndex(namedServers), false);
    // Every change, on any member, moves the generation (see RouteTable#generation).
    servers.addEntryListener(new ChangeCounter<String, ServerRecord>(generation), false);
    for (String key : servers.keySet()) {
      if (!key.endsWith("/")) {
        namedServers.add(key);
      }
    }
  }

  /** Follows the map's keys; a default server's key ends with '/', a named one's does not. */
  private record NamedServerIndex(Set<String> keys) implements EntryAddedListener<String, ServerRecord>,
    EntryRemovedListener<String, ServerRecord>, EntryEvictedListener<String, ServerRecord>,
    EntryExpiredListener<String, ServerRecord> {
    @Override
    public void entryAdded(EntryEvent<String, ServerRecord> event) {
      if (!event.getKey().endsWith("/")) {
        keys.add(event.getKey());
      }
    }

    @Override
    public void entryRemoved(EntryEvent<String, ServerRecord> event) {
      keys.remove(event.getKey());
    }

    @Override
    public void entryEvicted(EntryEvent<String, ServerRecord> event) {
      keys.remove(event.getKey());
    }

    @Override
    public void entryExpired(EntryEvent<String, ServerRecord> event) {
      keys.remove(event.getKey());
    }
  }

  @Override
  public boolean hasNamedServer(String user, String server) {
    return !namedServers.isEmpty() && namedServers.contains(ServerRecord.key(user, server));
  }

  @Override
  public Future<ServerRecord> get(String key) {
    return async.read(servers.getAsync(key));
  }

  @Override
  public long generation() {
    return generation.get();
  }

  // Each write moves the generation once done, not only when the map's event comes: whoever
  // waits for the write then sees the router read the record again.
  @Override
  public Future<Void> put(ServerRecord record) {
    return written(async.adapt(servers.setAsync(record.key(), record)));
  }

  @Override
  public Future<ServerRecord> putIfAbsent(ServerRecord record) {
    return written(async.blocking(() -> servers.putIfAbsent(record.key(), record)));
  }

  @Override
  public Future<Boolean> replace(ServerRecord expected, ServerRecord next) {
    return written(async.blocking(() -> servers.replace(next.key(), expected, next)));
  }

  @Override
  public Future<Void> remove(String key) {
    return written(async.adapt(servers.removeAsync(key)).mapEmpty());
  }

  private <T> Future<T> written(Future<T> write) {
    return write.andThen(done -> generation.incrementAndGet());
  }

  @Override
  public Future<List<ServerRecord>> serversOf(String user) {
    return async.blocking(() -> new ArrayList<>(servers.values(Predicates.equal("user", user))));
  }

  @Override
  public Future<List<ServerRecord>> serversOn(String instance) {
    return async.blocking(() -> new ArrayList<>(servers.values(Predicates.equal("instance", instance))));
  }

  @Override
  public Future<List<ServerRecord>> serversIn(ServerRecord.State state) {
    return async.blocking(() -> new ArrayList<>(servers.values(Predicates.equal("state", state))));
  }

  @Override
  public Future<Integer> countOn(String instance) {
    return async.blocking(() -> servers.aggregate(Aggregators.count(), Predicates.equal("instance", instance)).intValue());
  }
}
