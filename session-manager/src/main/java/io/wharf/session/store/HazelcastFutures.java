package io.wharf.session.store;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.concurrent.CompletionStage;

/**
 * Hazelcast's asynchronous answers as Vert.x futures completed on a given context.
 *
 * <p>Not {@code Future.fromCompletionStage}: its {@code whenComplete} makes Hazelcast run the action
 * on its default executor, the common fork-join pool, or, where that pool has a single thread (as on
 * 2 cores), a new thread per callback: two threads started per function call were measured so. Here
 * the thread that completes the stage hands the result straight to the context.
 */
public final class HazelcastFutures {

  private HazelcastFutures() {
  }

  /** {@code stage}'s outcome, delivered on {@code context}. */
  public static <T> Future<T> onContext(CompletionStage<T> stage, Context context) {
    Promise<T> promise = Promise.promise();
    stage.whenCompleteAsync((value, failure) -> {
      if (failure != null) {
        promise.fail(failure);
      } else {
        promise.complete(value);
      }
    }, command -> context.runOnContext(v -> command.run()));
    return promise.future();
  }
}
