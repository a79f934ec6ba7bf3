package io.wharf.session.testing;

import io.vertx.core.Future;
import io.wharf.session.ServerRecord;
import io.wharf.session.store.ServerStore;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/** Server records in a concurrent map, with the compare-and-set semantics of Hazelcast's map. */
public final class InMemoryServers implements ServerStore {

  private final InMemoryState state;
  private final Map<String, ServerRecord> records = new ConcurrentHashMap<>();

  InMemoryServers(InMemoryState state) {
    this.state = state;
  }

  ServerRecord peek(String key) {
    return records.get(key);
  }

  @Override
  public Future<ServerRecord> get(String key) {
    return state.answer(records.get(key));
  }

  @Override
  public boolean hasNamedServer(String user, String server) {
    return !server.isEmpty() && records.containsKey(ServerRecord.key(user, server));
  }

  @Override
  public Future<Void> put(ServerRecord record) {
    return state.<Void>answer(null).onSuccess(v -> records.put(record.key(), record));
  }

  @Override
  public Future<ServerRecord> putIfAbsent(ServerRecord record) {
    return state.answer(null).map(v -> records.putIfAbsent(record.key(), record));
  }

  @Override
  public Future<Boolean> replace(ServerRecord expected, ServerRecord next) {
    return state.answer(null).map(v -> records.replace(next.key(), expected, next));
  }

  @Override
  public Future<Void> remove(String key) {
    return state.<Void>answer(null).onSuccess(v -> records.remove(key));
  }

  @Override
  public Future<List<ServerRecord>> serversOf(String user) {
    return select(r -> r.user().equals(user));
  }

  @Override
  public Future<Integer> countOn(String instance) {
    return select(r -> instance.equals(r.instance())).map(List::size);
  }

  @Override
  public Future<List<ServerRecord>> serversOn(String instance) {
    return select(r -> instance.equals(r.instance()));
  }

  @Override
  public Future<List<ServerRecord>> serversIn(ServerRecord.State wanted) {
    return select(r -> r.state() == wanted);
  }

  private Future<List<ServerRecord>> select(Predicate<ServerRecord> filter) {
    return state.answer(null).map(v -> new ArrayList<>(records.values().stream().filter(filter).toList()));
  }
}
