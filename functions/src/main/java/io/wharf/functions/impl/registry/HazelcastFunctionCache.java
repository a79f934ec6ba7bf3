package io.wharf.functions.impl.registry;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.wharf.session.store.HazelcastFutures;

import java.util.concurrent.CompletionStage;

/**
 * The cluster's cache of functions and keys, in front of the database: what every instance's
 * router reads on each call. The only class of this module that touches Hazelcast. A removed key
 * is gone from the map (and so from every instance) when the removal returns.
 */
public final class HazelcastFunctionCache {

  static final String FUNCTIONS = "wharf-functions";
  static final String KEYS = "wharf-function-keys";

  private final Vertx vertx;
  private final IMap<String, String> functions;
  private final IMap<String, String> keys;

  public HazelcastFunctionCache(Vertx vertx, HazelcastInstance hazelcast) {
    this.vertx = vertx;
    this.functions = hazelcast.getMap(FUNCTIONS);
    this.keys = hazelcast.getMap(KEYS);
  }

  Future<FunctionRecord> find(String key) {
    return adapt(functions.getAsync(key)).map(json -> json == null ? null : FunctionRecord.fromJson(new JsonObject(json)));
  }

  Future<Void> put(FunctionRecord function) {
    return adapt(functions.setAsync(function.key(), function.toJson().encode()));
  }

  Future<Void> remove(String key) {
    return adapt(functions.removeAsync(key)).mapEmpty();
  }

  Future<FunctionKey> key(String hash) {
    return adapt(keys.getAsync(hash)).map(json -> json == null ? null : FunctionKey.fromJson(new JsonObject(json)));
  }

  Future<Void> putKey(FunctionKey key) {
    return adapt(keys.setAsync(key.hash(), key.toJson().encode()));
  }

  Future<Void> removeKey(String hash) {
    return adapt(keys.removeAsync(hash)).mapEmpty();
  }

  private <T> Future<T> adapt(CompletionStage<T> stage) {
    return HazelcastFutures.onContext(stage, vertx.getOrCreateContext());
  }
}
