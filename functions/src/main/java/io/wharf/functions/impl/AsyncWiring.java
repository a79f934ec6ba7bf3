package io.wharf.functions.impl;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.wharf.functions.AsyncHandoff;
import io.wharf.functions.async.AsyncCallOptions;
import io.wharf.functions.async.AsyncCallRoutes;
import io.wharf.functions.async.AsyncCalls;
import io.wharf.functions.impl.invoke.Dispatcher;
import io.wharf.functions.impl.invoke.InvocationHandler;
import io.wharf.session.store.JdbcStore;

/**
 * Joins the durable async calls to the {@code /fn/} path: the calls are kept in the store's
 * database, this instance's worker runs them through the {@link Dispatcher} (the body it sends
 * the runtime is the call as stored, with its {@code call_id}), and the path hands
 * {@code ?async=1} submissions and {@code /fn/calls/{id}} to the async calls' routes once it has
 * checked the key.
 */
public final class AsyncWiring {

  private AsyncWiring() {
  }

  /** Builds the async calls, starts this instance's worker, then hands async requests of {@code invocations} to them. */
  public static Future<AsyncCalls> start(Vertx vertx, JdbcStore store, Dispatcher dispatcher, InvocationHandler invocations,
                                         AsyncCallOptions options, MeterRegistry registry) {
    AsyncCalls calls = AsyncCalls.create(vertx, store, dispatcher, options, registry);
    AsyncCallRoutes routes = AsyncCallRoutes.create(calls);
    return calls.start().map(v -> {
      invocations.handAsyncTo(new AsyncHandoff(routes.submit(), routes.get(), routes.cancel()));
      return calls;
    });
  }
}
