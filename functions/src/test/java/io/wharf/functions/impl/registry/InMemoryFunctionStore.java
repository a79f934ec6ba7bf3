package io.wharf.functions.impl.registry;

import io.vertx.core.Future;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A {@link FunctionStore} in two maps, for tests. */
public final class InMemoryFunctionStore implements FunctionStore {

  private final Map<String, FunctionRecord> functions = new ConcurrentHashMap<>();
  private final Map<String, FunctionKey> keys = new ConcurrentHashMap<>();
  private final Map<String, List<Version>> versions = new ConcurrentHashMap<>();

  @Override
  public Future<FunctionRecord> find(String owner, String name) {
    return Future.succeededFuture(functions.get(owner + "/" + name));
  }

  @Override
  public Future<List<FunctionRecord>> ownedBy(String owner) {
    return Future.succeededFuture(functions.values().stream().filter(f -> f.owner().equals(owner)).toList());
  }

  @Override
  public Future<Void> put(FunctionRecord function) {
    functions.put(function.key(), function);
    return Future.succeededFuture();
  }

  @Override
  public Future<Boolean> delete(String owner, String name) {
    keys.values().removeIf(k -> k.owner().equals(owner) && k.function().equals(name));
    versions.remove(owner + "/" + name);
    return Future.succeededFuture(functions.remove(owner + "/" + name) != null);
  }

  @Override
  public Future<Void> addVersion(String owner, String name, String version, long at) {
    versions.computeIfAbsent(owner + "/" + name, k -> new java.util.concurrent.CopyOnWriteArrayList<>());
    List<Version> list = versions.get(owner + "/" + name);
    if (list.stream().noneMatch(v -> v.version().equals(version))) {
      list.add(0, new Version(version, at));
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<List<Version>> versions(String owner, String name, int limit) {
    return Future.succeededFuture(versions.getOrDefault(owner + "/" + name, List.of()).stream().limit(limit).toList());
  }

  @Override
  public Future<FunctionKey> keyByHash(String hash) {
    return Future.succeededFuture(keys.get(hash));
  }

  @Override
  public Future<List<FunctionKey>> keys(String owner, String function) {
    return Future.succeededFuture(keys.values().stream().filter(k -> k.owner().equals(owner) && k.function().equals(function)).toList());
  }

  @Override
  public Future<Void> putKey(FunctionKey key) {
    keys.put(key.hash(), key);
    return Future.succeededFuture();
  }

  @Override
  public Future<Boolean> deleteKey(String owner, String function, String id) {
    return Future.succeededFuture(keys.values().removeIf(k -> k.owner().equals(owner) && k.function().equals(function)
      && k.id().equals(id)));
  }
}
