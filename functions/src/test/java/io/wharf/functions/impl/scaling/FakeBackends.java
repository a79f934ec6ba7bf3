package io.wharf.functions.impl.scaling;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Function containers as {@link StubRuntime}s that take {@code startMillis} to start. It records
 * how many started and stopped, the most alive at once, and any stop of a container with calls
 * still in flight (which draining must prevent).
 */
public final class FakeBackends implements Backends {

  private final Vertx vertx;
  private final long startMillis;
  private final Map<String, StubRuntime> live = new ConcurrentHashMap<>();
  public final AtomicInteger started = new AtomicInteger();
  public final AtomicInteger stopped = new AtomicInteger();
  public final AtomicInteger stoppedWhileBusy = new AtomicInteger();
  public final AtomicInteger maxAlive = new AtomicInteger();
  public final AtomicInteger maxPerContainer = new AtomicInteger();
  public volatile String failStarts;

  public FakeBackends(Vertx vertx, long startMillis) {
    this.vertx = vertx;
    this.startMillis = startMillis;
  }

  @Override
  public Future<Backend> start(PoolSpec spec) {
    if (failStarts != null) {
      return vertx.timer(startMillis).compose(t -> Future.failedFuture(failStarts));
    }
    return vertx.timer(startMillis).compose(t -> StubRuntime.start(vertx, spec.version())).map(stub -> {
      String id = "c" + started.incrementAndGet();
      live.put(id, stub);
      maxAlive.accumulateAndGet(live.size(), Math::max);
      return new Backend(id, "127.0.0.1", stub.port(), spec.version());
    });
  }

  @Override
  public Future<Void> stop(Backend backend) {
    StubRuntime stub = live.remove(backend.id());
    if (stub == null) {
      return Future.succeededFuture();
    }
    stopped.incrementAndGet();
    if (stub.inFlight() > 0) {
      stoppedWhileBusy.incrementAndGet();
    }
    maxPerContainer.accumulateAndGet(stub.maxInFlight(), Math::max);
    return stub.close();
  }

  public int alive() {
    return live.size();
  }
}
