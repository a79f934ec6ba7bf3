package io.wharf.functions.impl.registry;

import io.vertx.core.Future;

import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The functions and keys, written through to the database and then the cluster's cache; reads of
 * one function or key (the router's, on every call) come from the cache and fall back to the
 * database on a miss, so a cache lost with the whole cluster refills itself.
 */
public final class Registry implements FunctionStore {

  private final FunctionStore database;
  private final HazelcastFunctionCache cache;

  public Registry(FunctionStore database, HazelcastFunctionCache cache) {
    this.database = database;
    this.cache = cache;
  }

  @Override
  public Future<FunctionRecord> find(String owner, String name) {
    return cache.find(owner + "/" + name).compose(cached -> cached != null ? Future.succeededFuture(cached)
      : fill(() -> database.find(owner, name), cache::put, () -> cache.remove(owner + "/" + name)));
  }

  @Override
  public Future<List<FunctionRecord>> ownedBy(String owner) {
    return database.ownedBy(owner);
  }

  @Override
  public Future<Void> put(FunctionRecord function) {
    return database.put(function).compose(v -> cache.put(function));
  }

  @Override
  public Future<Boolean> delete(String owner, String name) {
    return database.keys(owner, name).compose(keys -> database.delete(owner, name).compose(deleted ->
      Future.all(keys.stream().map(k -> cache.removeKey(k.hash())).toList())
        .compose(v -> cache.remove(owner + "/" + name)).map(deleted)));
  }

  @Override
  public Future<Void> addVersion(String owner, String name, String version, long at) {
    return database.addVersion(owner, name, version, at);
  }

  @Override
  public Future<List<Version>> versions(String owner, String name, int limit) {
    return database.versions(owner, name, limit);
  }

  @Override
  public Future<FunctionKey> keyByHash(String hash) {
    return cache.key(hash).compose(cached -> cached != null ? Future.succeededFuture(cached)
      : fill(() -> database.keyByHash(hash), cache::putKey, () -> cache.removeKey(hash)));
  }

  @Override
  public Future<List<FunctionKey>> keys(String owner, String function) {
    return database.keys(owner, function);
  }

  @Override
  public Future<Void> putKey(FunctionKey key) {
    return database.putKey(key).compose(v -> cache.putKey(key));
  }

  @Override
  public Future<Boolean> deleteKey(String owner, String function, String id) {
    return database.keys(owner, function).compose(keys -> {
      FunctionKey key = keys.stream().filter(k -> k.id().equals(id)).findFirst().orElse(null);
      if (key == null) {
        return Future.succeededFuture(false);
      }
      return database.deleteKey(owner, function, id).compose(deleted -> cache.removeKey(key.hash()).map(deleted));
    });
  }

  /**
   * A cache miss: puts what the database holds into the cache, then reads the database again. A
   * delete, revocation or republish that committed between the first read and the put (and so
   * removed or replaced nothing in the cache) takes the put back out; else the cache would keep a
   * revoked key or a deleted function for good. Nothing found costs one read and no write.
   */
  private static <T> Future<T> fill(Supplier<Future<T>> read, Function<T, Future<Void>> put, Supplier<Future<Void>> remove) {
    return read.get().compose(stored -> stored == null ? Future.succeededFuture(null)
      : put.apply(stored).compose(v -> read.get()).compose(again -> stored.equals(again) ? Future.succeededFuture(stored)
        : remove.get().map(again)));
  }
}
