package io.wharf.functions.impl;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.wharf.container.FunctionContainers;
import io.wharf.functions.AsyncHandoff;
import io.wharf.functions.Invocation;
import io.wharf.functions.async.AsyncCallOptions;
import io.wharf.functions.async.AsyncCallRoutes;
import io.wharf.functions.async.AsyncCalls;
import io.wharf.functions.async.AsyncInvoker;
import io.wharf.functions.async.Placement;
import io.wharf.functions.impl.invoke.Dispatcher;
import io.wharf.functions.impl.invoke.InvocationHandler;
import io.wharf.functions.impl.invoke.RuntimeClient;
import io.wharf.functions.impl.scaling.Backend;
import io.wharf.session.store.JdbcStore;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * Joins the durable async calls to the {@code /fn/} path: the calls are kept in the store's
 * database, this instance's worker runs them through the {@link Dispatcher} (the body it sends
 * the runtime is the call as stored, with its {@code call_id}; the container a place was taken on
 * is recorded before the call is sent there), and the path hands {@code ?async=1} submissions and
 * {@code /fn/calls/{id}} to the async calls' routes once it has checked the key. The function
 * containers this instance's earlier run left come from the container manager: a call that run
 * had sent to one of them is asked there again, straight through a runtime client of its own
 * (they are in no pool), and they are stopped through the container manager once no call needs
 * them.
 */
public final class AsyncWiring {

  private AsyncWiring() {
  }

  /** As the other {@code start}, with no earlier run's containers. */
  public static Future<AsyncCalls> start(Vertx vertx, JdbcStore store, Dispatcher dispatcher, InvocationHandler invocations,
                                         AsyncCallOptions options, MeterRegistry registry) {
    return start(vertx, store, dispatcher, null, invocations, options, registry);
  }

  /**
   * Builds the async calls, starts this instance's worker, then hands async requests of {@code invocations} to them.
   *
   * @param containers this instance's container manager, which kept the function containers of its earlier run; null: none
   */
  public static Future<AsyncCalls> start(Vertx vertx, JdbcStore store, Dispatcher dispatcher, FunctionContainers containers,
                                         InvocationHandler invocations, AsyncCallOptions options, MeterRegistry registry) {
    AsyncCalls calls = AsyncCalls.create(vertx, store, invoker(vertx, dispatcher, containers), options, registry);
    AsyncCallRoutes routes = AsyncCallRoutes.create(calls);
    return calls.start().map(v -> {
      invocations.handAsyncTo(new AsyncHandoff(routes.submit(), routes.get(), routes.cancel()));
      return calls;
    });
  }

  static AsyncInvoker invoker(Vertx vertx, Dispatcher dispatcher, FunctionContainers containers) {
    RuntimeClient runtime = new RuntimeClient(vertx);
    return new AsyncInvoker() {
      @Override
      public Future<Invocation.Result> invoke(String owner, String function, String command, JsonObject call, Duration timeout,
                                              Function<Placement, Future<Boolean>> placing) {
        return dispatcher.invoke(owner, function, command, call, timeout,
          backend -> placing.apply(new Placement(backend.id(), backend.host(), backend.port())));
      }

      @Override
      public Future<Invocation.Result> invokeOn(Placement container, String command, JsonObject call, Duration timeout) {
        return runtime.invoke(new Backend(container.containerId(), container.host(), container.port(), ""), command, call.toBuffer(),
          timeout.toMillis()).map(RuntimeClient.Outcome::result);
      }

      @Override
      public Future<List<Placement>> leftovers() {
        return containers == null ? Future.succeededFuture(List.of()) : containers.leftovers()
          .map(found -> found.stream().map(info -> new Placement(info.id(), info.host(), info.port())).toList());
      }

      @Override
      public Future<Void> remove(Placement container) {
        return containers == null ? Future.succeededFuture() : containers.stop(container.containerId());
      }
    };
  }
}
