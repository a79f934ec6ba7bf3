package io.wharf.router.impl;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.wharf.session.RouteTable;
import io.wharf.session.ServerRecord;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The state's route table, answering late when asked to. */
final class LateRoutes implements RouteTable {
  volatile RouteTable table;
  volatile long delayMillis;
  final AtomicInteger late = new AtomicInteger();

  @Override
  public Future<ServerRecord> get(String key) {
    return later(table.get(key));
  }

  /** {@code answer}, or, when asked to answer late, the same answer later on another thread. */
  <T> Future<T> later(Future<T> answer) {
    if (delayMillis <= 0) {
      return answer;
    }
    late.incrementAndGet();
    // As with Hazelcast: completed later on another thread, then handed back to the caller's context.
    CompletableFuture<T> later = answer.toCompletionStage().toCompletableFuture()
      .thenApplyAsync(value -> value, CompletableFuture.delayedExecutor(delayMillis, TimeUnit.MILLISECONDS));
    return Future.fromCompletionStage(later, Vertx.currentContext());
  }

  @Override
  public boolean hasNamedServer(String user, String server) {
    return table.hasNamedServer(user, server);
  }
}
