package io.wharf.functions.impl.scaling;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.wharf.functions.impl.FunctionMetrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * This instance's function pools, one per function that has been called, all on one context, and
 * the timer that re-evaluates them every second. A pool with nothing left in it is dropped. A call
 * that finds a free place takes it on its own event loop ({@link FunctionPool#tryAcquire}); only
 * one that must wait or start a container goes through the pools' context. The map is written on
 * that context only, and read from any thread.
 */
public final class Pools {

  private final Context context;
  private final Backends backends;
  private final ScalingPolicy policy;
  private final FunctionMetrics metrics;
  private final LongSupplier nanoClock;
  private final Map<String, FunctionPool> pools = new ConcurrentHashMap<>();
  private final long timer;

  public Pools(Vertx vertx, Backends backends, ScalingPolicy policy, FunctionMetrics metrics) {
    this(vertx, backends, policy, metrics, System::nanoTime, 1_000);
  }

  /** @param tickMillis how often the pools are re-evaluated */
  public Pools(Vertx vertx, Backends backends, ScalingPolicy policy, FunctionMetrics metrics, LongSupplier nanoClock, long tickMillis) {
    this.context = vertx.getOrCreateContext();
    this.backends = backends;
    this.policy = policy;
    this.metrics = metrics;
    this.nanoClock = nanoClock;
    this.timer = vertx.setPeriodic(tickMillis, id -> context.runOnContext(v -> tick()));
  }

  /** A place on one of {@code spec}'s containers within {@code timeoutMillis}; fails with a {@link Refusal}. */
  public Future<FunctionPool.Lease> acquire(PoolSpec spec, long timeoutMillis) {
    FunctionPool warm = pools.get(spec.key());
    FunctionPool.Lease lease = warm == null ? null : warm.tryAcquire(spec);
    if (lease != null) {
      return Future.succeededFuture(lease);
    }
    Promise<FunctionPool.Lease> promise = Promise.promise();
    // The call goes on on the caller's event loop, not the pools' one, which only keeps the books.
    Context caller = Vertx.currentContext();
    context.runOnContext(v -> {
      FunctionPool pool = pools.computeIfAbsent(spec.key(), key -> new FunctionPool(context, spec, backends, policy, metrics, nanoClock));
      if (!pool.spec().equals(spec)) {
        pool.update(spec);
      }
      pool.acquire(timeoutMillis).onComplete(ar -> {
        if (caller == null || caller == context) {
          promise.handle(ar);
        } else {
          caller.runOnContext(x -> promise.handle(ar));
        }
      });
    });
    return promise.future();
  }

  /** Drains a deleted function's containers. */
  public void remove(String owner, String function) {
    context.runOnContext(v -> {
      FunctionPool pool = pools.remove(owner + "/" + function);
      if (pool != null) {
        pool.close();
      }
    });
  }

  /** A container of {@code owner/function} died: its pool stops sending it calls. */
  public void lost(String owner, String function, String containerId) {
    context.runOnContext(v -> {
      FunctionPool pool = pools.get(owner + "/" + function);
      if (pool != null) {
        pool.lost(containerId);
      }
    });
  }

  /** The pool of a function, or null; read it on the pools' context (tests). */
  public FunctionPool pool(String owner, String function) {
    return pools.get(owner + "/" + function);
  }

  public Context context() {
    return context;
  }

  /** Drains everything; at shutdown. */
  public void close() {
    context.owner().cancelTimer(timer);
    context.runOnContext(v -> {
      pools.values().forEach(FunctionPool::close);
      pools.clear();
    });
  }

  private void tick() {
    pools.values().removeIf(pool -> {
      pool.tick();
      if (pool.empty()) {
        pool.close();
        return true;
      }
      return false;
    });
  }
}
