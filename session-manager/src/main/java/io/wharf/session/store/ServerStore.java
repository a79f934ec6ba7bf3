package io.wharf.session.store;

import io.vertx.core.Future;
import io.wharf.session.RouteTable;
import io.wharf.session.ServerRecord;

import java.util.List;

/**
 * Users' server records, shared by the cluster. Reads by key are served from a local
 * near-cache; writes go to the cluster. No method blocks the caller.
 */
public interface ServerStore extends RouteTable {

  /** Stores {@code record} under its key, replacing what was there. */
  Future<Void> put(ServerRecord record);

  /** Stores {@code record} unless its key is taken; completes with the existing one, or null if stored. */
  Future<ServerRecord> putIfAbsent(ServerRecord record);

  /** Replaces {@code expected} by {@code next} only if the stored value still equals {@code expected}. */
  Future<Boolean> replace(ServerRecord expected, ServerRecord next);

  /** Removes the record under {@code key}. */
  Future<Void> remove(String key);

  /** Every server of {@code user}. */
  Future<List<ServerRecord>> serversOf(String user);

  /** How many servers (pending or running) name {@code instance}. */
  Future<Integer> countOn(String instance);

  /** Every server launched by {@code instance}. */
  Future<List<ServerRecord>> serversOn(String instance);

  /** Every server in {@code state}. */
  Future<List<ServerRecord>> serversIn(ServerRecord.State state);
}
