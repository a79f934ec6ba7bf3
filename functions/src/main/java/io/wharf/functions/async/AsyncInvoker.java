package io.wharf.functions.async;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.wharf.functions.FunctionInvoker;
import io.wharf.functions.Invocation;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * What the async worker needs of the functions' containers: an attempt through the function's pool that says where it goes
 * before it is sent there; an attempt sent straight to one container; and the containers this instance's earlier run left
 * running ({@code impl/AsyncWiring}: the dispatcher, the runtime client and the container manager).
 */
public interface AsyncInvoker {

  /**
   * Runs the call on one of the function's containers: {@code placing} is given the container before the call is sent to it,
   * and the call is sent only if the future it gives succeeds with true; otherwise it is answered 503 unsent.
   */
  Future<Invocation.Result> invoke(String owner, String function, String command, JsonObject call, Duration timeout,
                                   Function<Placement, Future<Boolean>> placing);

  /** Sends the call to {@code container} itself, whatever its pool (it may be in none). */
  Future<Invocation.Result> invokeOn(Placement container, String command, JsonObject call, Duration timeout);

  /** The function containers this instance's earlier run left running, handed over once: the caller removes them. */
  Future<List<Placement>> leftovers();

  /** Stops and removes one of the {@link #leftovers}. */
  Future<Void> remove(Placement container);

  /** {@code invoker}'s calls, with no containers to name: nothing is recorded and nothing is left over (tests). */
  static AsyncInvoker of(FunctionInvoker invoker) {
    return new AsyncInvoker() {
      @Override
      public Future<Invocation.Result> invoke(String owner, String function, String command, JsonObject call, Duration timeout,
                                              Function<Placement, Future<Boolean>> placing) {
        return invoker.invoke(owner, function, command, call, timeout);
      }

      @Override
      public Future<Invocation.Result> invokeOn(Placement container, String command, JsonObject call, Duration timeout) {
        return Future.failedFuture(new IllegalStateException("no container " + container.containerId()));
      }

      @Override
      public Future<List<Placement>> leftovers() {
        return Future.succeededFuture(List.of());
      }

      @Override
      public Future<Void> remove(Placement container) {
        return Future.succeededFuture();
      }
    };
  }
}
