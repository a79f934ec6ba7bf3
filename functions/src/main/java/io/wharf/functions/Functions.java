package io.wharf.functions;

import com.hazelcast.core.HazelcastInstance;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.wharf.container.ContainerAddresses;
import io.wharf.container.FunctionContainers;
import io.wharf.functions.async.AsyncCalls;
import io.wharf.functions.impl.AsyncWiring;
import io.wharf.functions.impl.ContainerBackends;
import io.wharf.functions.impl.FunctionMetrics;
import io.wharf.functions.impl.api.FunctionApi;
import io.wharf.functions.impl.invoke.Dispatcher;
import io.wharf.functions.impl.invoke.InvocationHandler;
import io.wharf.functions.impl.invoke.InvocationLog;
import io.wharf.functions.impl.invoke.RuntimeClient;
import io.wharf.functions.impl.registry.HazelcastFunctionCache;
import io.wharf.functions.impl.registry.JdbcFunctionStore;
import io.wharf.functions.impl.registry.NearCache;
import io.wharf.functions.impl.registry.Registry;
import io.wharf.functions.impl.scaling.Pools;
import io.wharf.functions.impl.scaling.WarmPool;
import io.wharf.functions.impl.scaling.ScalingPolicy;
import io.wharf.session.Scopes;
import io.wharf.session.SessionManager;
import io.wharf.session.SharedState;

/**
 * The functions role: the registry (durable store, with the cluster's cache in front), the hub's
 * function API, the {@code /fn/} path, and this instance's pools of function containers, started by
 * its own container manager, and the durable async calls (kept in the session manager's database, run by a
 * worker on each instance). It runs with the router, where the session manager runs too.
 */
public final class Functions {

  /** The metrics name of the client that calls function containers; its calls are measured as {@code wharf_function_*}. */
  public static final String RUNTIME_CLIENT_METRICS_NAME = "wharf-functions";

  /** Recent calls kept per function (in memory, per instance) for the hub's {@code .../invocations}. */
  static final int RECENT_CALLS = 50;

  private final FunctionApi api;
  private final InvocationHandler invocations;
  private final Dispatcher dispatcher;
  private final Pools pools;
  private final AsyncCalls asyncCalls;
  private final WarmPool warm;

  private Functions(FunctionApi api, InvocationHandler invocations, Dispatcher dispatcher, Pools pools, AsyncCalls asyncCalls,
                    WarmPool warm) {
    this.api = api;
    this.invocations = invocations;
    this.dispatcher = dispatcher;
    this.pools = pools;
    this.asyncCalls = asyncCalls;
    this.warm = warm;
  }

  /**
   * @param sessions  the session manager: who may manage whose functions, and the durable store
   * @param state     the cluster's shared state (its rate limits)
   * @param hazelcast the cluster's member, for the registry's cache
   */
  public static Future<Functions> create(Vertx vertx, FunctionsOptions options, SessionManager sessions, SharedState state,
                                         HazelcastInstance hazelcast, MeterRegistry registry) {
    FunctionMetrics metrics = new FunctionMetrics(registry);
    // Calls read the function and the key from this instance's near cache (trusted for NearCache.TTL).
    NearCache functions = new NearCache(new Registry(new JdbcFunctionStore(sessions.database()),
      new HazelcastFunctionCache(vertx, hazelcast)));
    FunctionContainers containers = FunctionContainers.client(vertx, options.instanceId(), options.startTimeout().toMillis());
    ContainerBackends backends = new ContainerBackends(containers);
    // Pools take containers from the warm pool (functions.warm-pool-size, 0: none), which starts them when it has none.
    WarmPool warm = new WarmPool(vertx, backends, options.warmPoolSize(), metrics.registry(), 1_000, 5_000);
    Pools pools = new Pools(vertx, warm, new ScalingPolicy(options.scaleDownWindow(), options.idle(), options.queuePerFunction()),
      metrics);
    InvocationLog recent = new InvocationLog(RECENT_CALLS);
    Dispatcher dispatcher = new Dispatcher(functions, pools, new RuntimeClient(vertx), metrics, recent);
    vertx.eventBus().<JsonObject>consumer(ContainerAddresses.functionEvents(), msg -> {
      if (options.instanceId().equals(msg.body().getString("instance"))) {
        String id = msg.body().getString("id");
        // A claimed warm container's labels name no function: the warm pool knows it.
        warm.lost(id).onSuccess(claimed -> pools.lost(claimed == null ? msg.body().getString("owner") : claimed.owner(),
          claimed == null ? msg.body().getString("function") : claimed.function(), id));
      }
    });
    FunctionApi api = new FunctionApi(options, functions, backends, pools,
      handler -> sessions.requireUserScope(Scopes.SERVERS, handler), System::currentTimeMillis, recent, backends);
    InvocationHandler invocations = new InvocationHandler(options, functions, dispatcher, state.rateLimits());
    // Async calls are kept in the store's database and run here by a worker through the dispatcher.
    return AsyncWiring.start(vertx, sessions.database(), dispatcher, containers, invocations, options.async(), registry)
      .map(calls -> new Functions(api, invocations, dispatcher, pools, calls, warm));
  }

  /** Calls functions without a key: for the durable async calls. */
  public FunctionInvoker invoker() {
    return dispatcher;
  }

  /** Mounts the hub's function API ({@code /hub/api/users/{name}/functions...}); pass to {@code SessionManager.mountHub}. */
  public void mountApi(Router router) {
    api.mount(router);
  }

  /** Mounts {@code /fn/...}, the callers' path. */
  public void mountInvocations(Router router) {
    router.route(InvocationHandler.PREFIX + "*").handler(invocations);
  }

  /**
   * Hands async calls ({@code ?async=1}, {@code /fn/calls/{id}}) to {@code handoff} after the key and body checks, instead of
   * the durable async calls {@link #create} wired.
   */
  public void handAsyncTo(AsyncHandoff handoff) {
    invocations.handAsyncTo(handoff);
  }

  /**
   * Stops this instance's async worker (its running calls are taken over once their leases run out), drains every function
   * container and stops the warm pool's.
   */
  public void close() {
    asyncCalls.stop();
    pools.close();
    warm.close();
  }
}
