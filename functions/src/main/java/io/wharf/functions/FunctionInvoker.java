package io.wharf.functions;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.time.Duration;

/** Runs one call of a registered function's command, wherever its containers are. */
public interface FunctionInvoker {

  /**
   * Calls {@code command} of {@code owner}'s {@code function} with {@code call}
   * ({@code {"args": [...], "kwargs": {...}}}); the future fails, or gives a 504, when the call
   * takes longer than {@code timeout}.
   */
  Future<Invocation.Result> invoke(String owner, String function, String command, JsonObject call, Duration timeout);
}
