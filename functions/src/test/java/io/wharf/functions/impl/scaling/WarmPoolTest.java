package io.wharf.functions.impl.scaling;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The warm pool against in-memory backends that record every container they start, load and stop. */
class WarmPoolTest {

  private static final PoolSpec SPEC = new PoolSpec("alice", "stats", "a".repeat(64), 1, 0, 4);

  /** Containers as ids; {@code alive} is what a leak would leave behind. */
  static final class Recording implements Backends {
    final Set<String> alive = ConcurrentHashMap.newKeySet();
    final List<String> loaded = new CopyOnWriteArrayList<>();
    final AtomicInteger generic = new AtomicInteger();
    final AtomicInteger cold = new AtomicInteger();
    final AtomicInteger stopped = new AtomicInteger();
    volatile boolean failGeneric;
    volatile boolean failLoad;
    private final AtomicInteger ids = new AtomicInteger();

    @Override
    public Future<Backend> start(PoolSpec spec) {
      cold.incrementAndGet();
      return Future.succeededFuture(up(spec.version()));
    }

    @Override
    public Future<Backend> startGeneric() {
      if (failGeneric) {
        return Future.failedFuture("the instance is at capacity");
      }
      generic.incrementAndGet();
      return Future.succeededFuture(up(""));
    }

    @Override
    public Future<Backend> load(Backend warm, PoolSpec spec) {
      if (failLoad || !alive.contains(warm.id())) {
        // As the container manager does: a failed load removes the container.
        alive.remove(warm.id());
        return Future.failedFuture("main.py raised");
      }
      loaded.add(warm.id());
      return Future.succeededFuture(new Backend(warm.id(), warm.host(), warm.port(), spec.version()));
    }

    @Override
    public Future<Void> stop(Backend backend) {
      if (alive.remove(backend.id())) {
        stopped.incrementAndGet();
      }
      return Future.succeededFuture();
    }

    private Backend up(String version) {
      String id = "c" + ids.incrementAndGet();
      alive.add(id);
      return new Backend(id, "127.0.0.1", 1, version);
    }
  }

  private final Vertx vertx = Vertx.vertx();
  private final Recording backends = new Recording();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private WarmPool pool(int size) {
    return new WarmPool(vertx, backends, size, meters, 20, 200);
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.await(5, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("no answer within 5 s", e);
    }
  }

  private static void eventually(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 5_000;
    while (!condition.getAsBoolean()) {
      assertTrue(System.currentTimeMillis() < deadline, "the condition did not hold within 5 s");
      Thread.sleep(5);
    }
  }

  private double claims(String outcome) {
    return meters.get("wharf_function_warm_pool_claims").tag("outcome", outcome).counter().count();
  }

  @Test
  void fillsUpToItsSizeAndNoFurther() throws Exception {
    WarmPool warm = pool(3);
    eventually(() -> await(warm.warm()) == 3);
    Thread.sleep(100);
    assertEquals(3, backends.generic.get());
    assertEquals(3, meters.get("wharf_function_warm_pool_size").gauge().value());
  }

  @Test
  void aClaimLoadsTheFunctionIntoAWarmContainerAndTheContainerIsReplaced() throws Exception {
    WarmPool warm = pool(2);
    eventually(() -> await(warm.warm()) == 2);
    Backend backend = await(warm.start(SPEC));
    assertEquals(SPEC.version(), backend.version());
    assertEquals(List.of(backend.id()), backends.loaded);
    assertEquals(0, backends.cold.get(), "no container was started for the claim");
    eventually(() -> await(warm.warm()) == 2 && backends.generic.get() == 3);
    assertEquals(1.0, claims("claimed"));
  }

  @Test
  void anEmptyPoolFallsBackToAStartAndCountsAMiss() throws Exception {
    WarmPool warm = pool(0);
    Backend backend = await(warm.start(SPEC));
    assertEquals(SPEC.version(), backend.version());
    assertEquals(1, backends.cold.get());
    assertEquals(0, backends.generic.get(), "a pool of size 0 starts no generic container");
    assertEquals(0.0, claims("miss"), "no warm pool, no miss");

    backends.failGeneric = true;
    WarmPool failing = pool(1);
    await(failing.start(SPEC));
    assertEquals(2, backends.cold.get());
    assertEquals(1.0, claims("miss"));
  }

  @Test
  void aFailedLoadRemovesTheWarmContainerAndStartsOne() throws Exception {
    WarmPool warm = pool(1);
    eventually(() -> await(warm.warm()) == 1);
    String generic = backends.alive.iterator().next();
    backends.failLoad = true;
    Backend backend = await(warm.start(SPEC));
    assertTrue(!backend.id().equals(generic), "the call got a new container");
    assertTrue(!backends.alive.contains(generic), "the container that failed to load is gone");
    assertEquals(1, backends.cold.get());
    assertEquals(1.0, claims("failed"));
  }

  @Test
  void aFailedStartWaitsBeforeTheNextTry() throws Exception {
    backends.failGeneric = true;
    WarmPool warm = pool(2);
    Thread.sleep(100);
    assertEquals(0, await(warm.warm()));
    backends.failGeneric = false;
    // The retry waits 200 ms after the failure, though the timer ticks every 20.
    eventually(() -> await(warm.warm()) == 2);
  }

  @Test
  void aWarmContainerThatDiesLeavesThePoolAndIsReplacedAndAClaimedOneNamesItsFunction() throws Exception {
    WarmPool warm = pool(1);
    eventually(() -> await(warm.warm()) == 1);
    String first = backends.alive.iterator().next();
    backends.alive.remove(first);
    assertEquals(null, await(warm.lost(first)));
    eventually(() -> await(warm.warm()) == 1 && backends.generic.get() == 2);

    Backend claimed = await(warm.start(SPEC));
    assertEquals(SPEC, await(warm.lost(claimed.id())));
    await(warm.stop(claimed));
    assertEquals(null, await(warm.lost(claimed.id())), "a stopped container is forgotten");
  }

  @Test
  void closingStopsEveryUnclaimedContainerAndAnyStillStartingSoNoneLeaks() throws Exception {
    WarmPool warm = pool(4);
    eventually(() -> await(warm.warm()) == 4);
    Backend claimed = await(warm.start(SPEC));
    await(warm.close());
    eventually(() -> backends.alive.equals(Set.of(claimed.id())));
    Thread.sleep(100);
    assertEquals(Set.of(claimed.id()), backends.alive, "nothing was started after the close");
    assertThrows(Exception.class, () -> meters.get("wharf_function_warm_pool_size").gauge());
    await(warm.stop(claimed));
    assertTrue(backends.alive.isEmpty());
  }
}
