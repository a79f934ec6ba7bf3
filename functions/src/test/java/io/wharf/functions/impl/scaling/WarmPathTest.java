package io.wharf.functions.impl.scaling;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.wharf.functions.impl.FunctionMetrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pools' warm path: a call with a free place never leaves its event loop, and places taken
 * from several event loops at once, while the pool scales up and down, never exceed a container's
 * concurrency nor land on a stopped container. Containers here are ids only (no runtime is called).
 */
class WarmPathTest {

  private final Vertx vertx = Vertx.vertx();
  private final Ids backends = new Ids();
  private Pools pools;

  @AfterEach
  void close() {
    pools.close();
    vertx.close().await();
  }

  /** Containers that start after 1 ms; records which were stopped. */
  private final class Ids implements Backends {
    final AtomicInteger started = new AtomicInteger();
    final Set<String> stopped = ConcurrentHashMap.newKeySet();

    @Override
    public Future<Backend> start(PoolSpec spec) {
      return vertx.timer(1).map(t -> new Backend("c" + started.incrementAndGet(), "127.0.0.1", 1, spec.version()));
    }

    @Override
    public Future<Void> stop(Backend backend) {
      stopped.add(backend.id());
      return Future.succeededFuture();
    }
  }

  private <T> T on(ContextInternal context, java.util.function.Supplier<T> work) throws Exception {
    CompletableFuture<T> done = new CompletableFuture<>();
    context.runOnContext(v -> done.complete(work.get()));
    return done.get(10, TimeUnit.SECONDS);
  }

  @Test
  void aCallWithAFreePlaceTakesAndGivesItBackWithoutLeavingItsEventLoop() throws Exception {
    pools = new Pools(vertx, backends, new ScalingPolicy(Duration.ofSeconds(5), Duration.ofSeconds(5), 10),
      new FunctionMetrics(new SimpleMeterRegistry()), System::nanoTime, 1_000);
    PoolSpec spec = new PoolSpec("alice", "stats", "v1", 4, 0, 1);
    ContextInternal caller = ((VertxInternal) vertx).createEventLoopContext();
    Thread callerThread = on(caller, Thread::currentThread);
    assertNotEquals(on((ContextInternal) pools.context(), Thread::currentThread), callerThread, "the caller is on another event loop");
    // The first call starts the container through the pools' context.
    FunctionPool.Lease first = pools.acquire(spec, 5_000).await(5, TimeUnit.SECONDS);
    first.release(false);
    FunctionPool pool = pools.pool("alice", "stats");
    String seen = on(caller, () -> {
      Future<FunctionPool.Lease> lease = pools.acquire(spec, 5_000);
      if (!lease.isComplete()) {
        return "the lease was not given at once";
      }
      int held = pool.inFlight();
      lease.result().release(false);
      return "held " + held + ", after release " + pool.inFlight();
    });
    assertEquals("held 1, after release 0", seen);
  }

  @Test
  void placesTakenFromSeveralEventLoopsWhileThePoolScalesNeverExceedTheConcurrency() throws Exception {
    pools = new Pools(vertx, backends, new ScalingPolicy(Duration.ZERO, Duration.ofMillis(20), 1_000),
      new FunctionMetrics(new SimpleMeterRegistry()), System::nanoTime, 5);
    PoolSpec spec = new PoolSpec("alice", "stats", "v1", 3, 0, 3);
    Map<String, AtomicInteger> holding = new ConcurrentHashMap<>();
    AtomicInteger most = new AtomicInteger();
    AtomicInteger onStopped = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    List<Future<Void>> chains = new ArrayList<>();
    for (int loop = 0; loop < 4; loop++) {
      ContextInternal context = ((VertxInternal) vertx).createEventLoopContext();
      for (int chain = 0; chain < 5; chain++) {
        Promise<Void> finished = Promise.promise();
        chains.add(finished.future());
        context.runOnContext(v -> cycle(context, spec, 200, holding, most, onStopped, done, finished));
      }
    }
    Future.all(chains).await(60, TimeUnit.SECONDS);
    assertEquals(4 * 5 * 200, done.get());
    assertTrue(most.get() <= 3, "at most 3 calls on a container at once: " + most.get());
    assertEquals(0, onStopped.get(), "no place on a container that was stopped");
    assertTrue(backends.started.get() > 1, "the pool scaled: " + backends.started.get());
    assertEquals(0, on((ContextInternal) pools.context(), () -> pools.pool("alice", "stats") == null ? 0
      : pools.pool("alice", "stats").inFlight() + pools.pool("alice", "stats").queued()));
  }

  /** {@code left} calls one after the other, each holding its place 0 to 2 ms. */
  private void cycle(ContextInternal context, PoolSpec spec, int left, Map<String, AtomicInteger> holding, AtomicInteger most,
                     AtomicInteger onStopped, AtomicInteger done, Promise<Void> finished) {
    if (left == 0) {
      finished.complete();
      return;
    }
    pools.acquire(spec, 30_000).onComplete(ar -> {
      if (ar.failed()) {
        finished.fail(ar.cause());
        return;
      }
      Backend backend = ar.result().backend();
      int now = holding.computeIfAbsent(backend.id(), id -> new AtomicInteger()).incrementAndGet();
      most.accumulateAndGet(now, Math::max);
      if (backends.stopped.contains(backend.id())) {
        onStopped.incrementAndGet();
      }
      Runnable release = () -> {
        if (backends.stopped.contains(backend.id())) {
          onStopped.incrementAndGet();
        }
        holding.get(backend.id()).decrementAndGet();
        ar.result().release(false);
        done.incrementAndGet();
        cycle(context, spec, left - 1, holding, most, onStopped, done, finished);
      };
      long hold = done.get() % 3;
      if (hold == 0) {
        context.runOnContext(v -> release.run());
      } else {
        context.owner().setTimer(hold, id -> release.run());
      }
    });
  }
}
