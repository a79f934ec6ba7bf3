package io.wharf.functions.impl.registry;

import io.vertx.core.Future;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * This instance's copy of the functions and keys it read lately, in front of the {@link Registry},
 * so that a warm call costs two map look-ups instead of two Hazelcast reads (each handed to a
 * partition thread and back). Only found entries are kept: an unknown key is read every time, so
 * a caller spraying random keys cannot fill it.
 *
 * <p>Staleness is bounded by {@code ttl}: an entry is trusted for {@code ttl} from the moment its
 * read began (not ended), so a function deleted or a key revoked on another instance is refused
 * here at most {@code ttl} after the removal returned there. A write through this instance
 * drops its entries at once, and a read that began before the write is not kept.
 */
public final class NearCache implements FunctionStore {

  /** How long an entry is trusted: the bound on a revoked key or a deleted function still working elsewhere. */
  public static final Duration TTL = Duration.ofSeconds(1);

  /** Entries kept at most; past it the expired ones go, and everything if that was not enough. */
  static final int CAPACITY = 10_000;

  private record Entry<T>(T value, long readAt) {
  }

  private final FunctionStore registry;
  private final long ttlNanos;
  private final LongSupplier nanoClock;
  private final Map<String, Entry<FunctionRecord>> functions = new ConcurrentHashMap<>();
  private final Map<String, Entry<FunctionKey>> keys = new ConcurrentHashMap<>();
  // Bumped by every write through this instance; a read that saw another value began before a write.
  private final AtomicLong writes = new AtomicLong();

  public NearCache(FunctionStore registry) {
    this(registry, TTL, System::nanoTime);
  }

  public NearCache(FunctionStore registry, Duration ttl, LongSupplier nanoClock) {
    this.registry = registry;
    this.ttlNanos = ttl.toNanos();
    this.nanoClock = nanoClock;
  }

  @Override
  public Future<FunctionRecord> find(String owner, String name) {
    String id = owner + "/" + name;
    long now = nanoClock.getAsLong();
    Entry<FunctionRecord> entry = functions.get(id);
    if (entry != null && now - entry.readAt() < ttlNanos) {
      return Future.succeededFuture(entry.value());
    }
    long generation = writes.get();
    return registry.find(owner, name).andThen(ar -> keep(functions, id, ar.succeeded() ? ar.result() : null, now, generation));
  }

  @Override
  public Future<FunctionKey> keyByHash(String hash) {
    long now = nanoClock.getAsLong();
    Entry<FunctionKey> entry = keys.get(hash);
    if (entry != null && now - entry.readAt() < ttlNanos) {
      return Future.succeededFuture(entry.value());
    }
    long generation = writes.get();
    return registry.keyByHash(hash).andThen(ar -> keep(keys, hash, ar.succeeded() ? ar.result() : null, now, generation));
  }

  private <T> void keep(Map<String, Entry<T>> map, String id, T value, long readAt, long generation) {
    if (value == null) {
      map.remove(id);
      return;
    }
    if (map.size() >= CAPACITY) {
      long now = nanoClock.getAsLong();
      map.values().removeIf(e -> now - e.readAt() >= ttlNanos);
      if (map.size() >= CAPACITY) {
        map.clear();
      }
    }
    map.put(id, new Entry<>(value, readAt));
    // A write through this instance during the read: what was read may be what it replaced.
    if (writes.get() != generation) {
      map.remove(id);
    }
  }

  /** Forgets everything read before now; every write calls it before and after writing through. */
  private void forget() {
    writes.incrementAndGet();
    functions.clear();
    keys.clear();
  }

  private <T> Future<T> written(Future<T> write) {
    forget();
    return write.andThen(ar -> forget());
  }

  @Override
  public Future<Void> put(FunctionRecord function) {
    return written(registry.put(function));
  }

  @Override
  public Future<Boolean> delete(String owner, String name) {
    return written(registry.delete(owner, name));
  }

  @Override
  public Future<Void> putKey(FunctionKey key) {
    return written(registry.putKey(key));
  }

  @Override
  public Future<Boolean> deleteKey(String owner, String function, String id) {
    return written(registry.deleteKey(owner, function, id));
  }

  @Override
  public Future<List<FunctionRecord>> ownedBy(String owner) {
    return registry.ownedBy(owner);
  }

  @Override
  public Future<Void> addVersion(String owner, String name, String version, long at) {
    return registry.addVersion(owner, name, version, at);
  }

  @Override
  public Future<List<Version>> versions(String owner, String name, int limit) {
    return registry.versions(owner, name, limit);
  }

  @Override
  public Future<List<FunctionKey>> keys(String owner, String function) {
    return registry.keys(owner, function);
  }
}
