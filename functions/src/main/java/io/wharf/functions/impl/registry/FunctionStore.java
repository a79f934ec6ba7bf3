package io.wharf.functions.impl.registry;

import io.vertx.core.Future;

import java.util.List;

/**
 * Registered functions, their versions and their keys. The durable store (the database) and the
 * cluster's cache in front of it both take this shape; {@link Registry} writes through both.
 */
public interface FunctionStore {

  Future<FunctionRecord> find(String owner, String name);

  Future<List<FunctionRecord>> ownedBy(String owner);

  /** Inserts or replaces the function (same owner and name). */
  Future<Void> put(FunctionRecord function);

  /** Removes it with its keys; true when it was there. */
  Future<Boolean> delete(String owner, String name);

  /** Records a published version of a function (kept for the listing; snapshots are immutable). */
  Future<Void> addVersion(String owner, String name, String version, long at);

  Future<FunctionKey> keyByHash(String hash);

  Future<List<FunctionKey>> keys(String owner, String function);

  Future<Void> putKey(FunctionKey key);

  /** Removes the key with that id of that function; true when it was there. */
  Future<Boolean> deleteKey(String owner, String function, String id);

  /** The function's published versions, newest first, at most {@code limit}. */
  Future<List<Version>> versions(String owner, String name, int limit);

  /** A published snapshot: its hex SHA-256 and when it was first published (epoch ms). */
  record Version(String version, long publishedAt) {
  }
}
