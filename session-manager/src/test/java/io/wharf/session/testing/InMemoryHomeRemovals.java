package io.wharf.session.testing;

import io.vertx.core.Future;
import io.wharf.session.store.HomeRemovalRecords;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Scheduled home removals in memory, for lifecycle tests that have no database. */
public final class InMemoryHomeRemovals implements HomeRemovalRecords {

  private final Map<String, Long> removeAt = new ConcurrentHashMap<>();

  @Override
  public Future<Void> schedule(String accountId, String user, long at) {
    removeAt.putIfAbsent(accountId, at);
    return Future.succeededFuture();
  }

  @Override
  public Future<Map<String, Long>> removalTimes(Collection<String> accountIds) {
    Map<String, Long> times = new HashMap<>();
    accountIds.forEach(id -> {
      Long at = removeAt.get(id);
      if (at != null) {
        times.put(id, at);
      }
    });
    return Future.succeededFuture(times);
  }

  /** The recorded removal times, by account id. */
  public Map<String, Long> scheduled() {
    return Map.copyOf(removeAt);
  }
}
