package io.wharf.functions.impl.scaling;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * This instance's warm pool: up to {@code size} generic function containers, started ahead, which a
 * pool that needs a container claims instead of starting one ({@link #start}: the claimed container
 * loads the function's snapshot; with none left, or when the load fails, a normal start). The pool
 * is topped up in the background after each claim and on a timer, at most {@link #MAX_STARTING}
 * containers starting at once, and not again for {@code retryMillis} after a start failed (the
 * instance full, the engine gone). Every container it started is either in the pool, handed to a
 * function (then stopped through {@link #stop} like any other), or stopped: a failed load and a
 * container started after {@link #close} are removed.
 *
 * <p>It is the {@link Backends} the pools use, around the container manager's. All state lives on
 * one context; each method hops onto it.
 */
public final class WarmPool implements Backends {

  private static final Logger log = LoggerFactory.getLogger(WarmPool.class);
  static final int MAX_STARTING = 2;

  private final Context context;
  private final Backends backends;
  private final int size;
  private final long retryMillis;
  private final long timer;
  private final ArrayDeque<Backend> ready = new ArrayDeque<>();
  // Claimed containers' functions: their labels do not say it, so a death event names none.
  private final Map<String, PoolSpec> claimed = new HashMap<>();
  private final Counter hits;
  private final Counter misses;
  private final Counter failures;
  private final List<Meter> meters;
  private final MeterRegistry registry;
  private volatile int readyCount;
  private int starting;
  private long retryAt;
  private boolean closed;

  /** @param tickMillis how often the pool is topped up, besides after each claim */
  public WarmPool(Vertx vertx, Backends backends, int size, MeterRegistry registry, long tickMillis, long retryMillis) {
    this.context = vertx.getOrCreateContext();
    this.backends = backends;
    this.size = size;
    this.retryMillis = retryMillis;
    this.registry = registry;
    this.retryAt = System.nanoTime();
    Supplier<Counter.Builder> claims = () -> Counter.builder("wharf_function_warm_pool_claims")
      .description("Function containers wanted from the warm pool, by outcome: claimed (and loaded), miss (none warm), failed (the load)");
    this.hits = claims.get().tag("outcome", "claimed").register(registry);
    this.misses = claims.get().tag("outcome", "miss").register(registry);
    this.failures = claims.get().tag("outcome", "failed").register(registry);
    this.meters = List.of(hits, misses, failures, Gauge.builder("wharf_function_warm_pool_size", () -> readyCount)
      .description("Generic function containers started and waiting to be claimed").register(registry));
    this.timer = size == 0 ? -1 : vertx.setPeriodic(1, tickMillis, id -> context.runOnContext(v -> topUp()));
  }

  /** A container for {@code spec}: a warm one that loaded its snapshot, or else a new one. */
  @Override
  public Future<Backend> start(PoolSpec spec) {
    return on(() -> {
      Backend generic = closed ? null : ready.poll();
      readyCount = ready.size();
      if (generic == null) {
        if (size > 0) {
          misses.increment();
        }
        return backends.start(spec);
      }
      topUp();
      return backends.load(generic, spec).transform(ar -> on(() -> {
        if (ar.succeeded()) {
          hits.increment();
          claimed.put(ar.result().id(), spec);
          return Future.succeededFuture(ar.result());
        }
        failures.increment();
        log.warn("function {}: warm container {} did not load it ({}); starting one", spec.key(), generic.id(), ar.cause().getMessage());
        // The container manager removes a container that failed to load; this makes sure of it.
        backends.stop(generic);
        return backends.start(spec);
      }));
    });
  }

  @Override
  public Future<Void> stop(Backend backend) {
    return on(() -> {
      claimed.remove(backend.id());
      return backends.stop(backend);
    });
  }

  /**
   * A function container died: an unclaimed one leaves the pool (a later top-up replaces it); a claimed one's function
   * is answered, null for any other.
   */
  public Future<PoolSpec> lost(String containerId) {
    return on(() -> {
      if (ready.removeIf(b -> b.id().equals(containerId))) {
        readyCount = ready.size();
        return Future.succeededFuture(null);
      }
      return Future.succeededFuture(claimed.get(containerId));
    });
  }

  /** Unclaimed containers now (tests). */
  public Future<Integer> warm() {
    return on(() -> Future.succeededFuture(ready.size()));
  }

  /** Stops the unclaimed containers and starts no more; those starting are stopped once up. */
  public Future<Void> close() {
    return on(() -> {
      closed = true;
      if (timer >= 0) {
        context.owner().cancelTimer(timer);
      }
      List<Future<Void>> stops = ready.stream().map(backends::stop).toList();
      ready.clear();
      readyCount = 0;
      meters.forEach(registry::remove);
      return Future.join(stops).mapEmpty();
    });
  }

  /** Starts containers up to the pool's size, a few at a time, unless a start failed lately. */
  private void topUp() {
    while (!closed && ready.size() + starting < size && starting < MAX_STARTING && System.nanoTime() - retryAt >= 0) {
      starting++;
      backends.startGeneric().onComplete(ar -> context.runOnContext(v -> {
        starting--;
        if (ar.failed()) {
          retryAt = System.nanoTime() + retryMillis * 1_000_000;
          log.warn("the warm pool could not start a container ({}); trying again in {} ms", ar.cause().getMessage(), retryMillis);
        } else if (closed) {
          backends.stop(ar.result());
        } else {
          ready.add(ar.result());
          readyCount = ready.size();
          topUp();
        }
      }));
    }
  }

  private <T> Future<T> on(Supplier<Future<T>> action) {
    if (Vertx.currentContext() == context) {
      return action.get();
    }
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> action.get().onComplete(promise));
    return promise.future();
  }
}
