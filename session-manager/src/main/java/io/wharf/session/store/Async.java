package io.wharf.session.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Hazelcast's futures and blocking calls, as Vert.x futures completed on the caller's context. */
final class Async {

  private final Vertx vertx;

  Async(Vertx vertx) {
    this.vertx = vertx;
  }

  /** A call that may block (queries, compare-and-set): on a worker thread, off the event loop. */
  <T> Future<T> blocking(Callable<T> call) {
    return vertx.executeBlocking(call, false);
  }

  <T> Future<T> adapt(CompletionStage<T> stage) {
    return HazelcastFutures.onContext(stage, vertx.getOrCreateContext());
  }

  /** A read that a near-cache hit completes at once is answered without a context hop. */
  <T> Future<T> read(CompletionStage<T> stage) {
    CompletableFuture<T> future = stage.toCompletableFuture();
    if (future.isDone() && !future.isCompletedExceptionally()) {
      return Future.succeededFuture(future.getNow(null));
    }
    return adapt(future);
  }
}
