package io.wharf.functions.impl.scaling;

import io.micrometer.core.instrument.Meter;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.wharf.functions.impl.FunctionMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.LongSupplier;

/**
 * The containers of one function and the calls waiting for them. Every method runs on the pool's
 * context, so its state needs no lock, except the warm path: {@link #tryAcquire} and
 * {@link Lease#release}, which run on the caller's event loop so that a call with a free place
 * never leaves it.
 *
 * <p>Why the warm path needs no lock: a place is an atomic count per container, taken by
 * compare-and-set below the concurrency; the warm path sees the containers as an array republished
 * on every change; the context makes every other decision. Two races are closed by each side
 * writing one volatile field, then reading the other's: a place taken while its container is
 * drained (the taker reads {@code draining} after its increment and gives the place back; the
 * drainer stops the container only if the count it reads after setting {@code draining} is 0), and
 * a place given back while a call is queued (the giver reads {@code waiting} after its decrement
 * and then leaves the rest to the context; the queue looks for a free place after counting).
 *
 * <p>A call takes a place on the least busy container that has one (at most {@code concurrency}
 * calls each), or waits in a bounded queue; the queue is served as places free up. Containers
 * follow the demand ({@link #tick}): new ones start at once, surplus ones are drained (no new calls,
 * stopped once their calls are done) only after the demand stayed lower for the whole window. A
 * new version's containers start beside the old ones, which are drained once one of them is ready.
 */
public final class FunctionPool {

  private static final Logger log = LoggerFactory.getLogger(FunctionPool.class);

  /** A container in the pool. */
  static final class Slot {
    final Backend backend;
    final AtomicInteger inFlight = new AtomicInteger();
    volatile boolean draining;

    Slot(Backend backend) {
      this.backend = backend;
    }
  }

  /** A place on a container, held for one call; {@link #release} exactly once. */
  public final class Lease {
    private final Slot slot;
    private volatile int released;

    Lease(Slot slot) {
      this.slot = slot;
    }

    public Backend backend() {
      return slot.backend;
    }

    /** @param recycle whether the container misbehaved (ran over its time, broke the call): drain and replace it */
    public void release(boolean recycle) {
      if (RELEASED.compareAndSet(this, 0, 1)) {
        giveBack(slot, recycle);
      }
    }
  }

  private record Waiter(Promise<Lease> promise, long timer) {
  }

  private static final AtomicIntegerFieldUpdater<Lease> RELEASED = AtomicIntegerFieldUpdater.newUpdater(Lease.class, "released");

  private final Context context;
  private final Backends backends;
  private final ScalingPolicy policy;
  private final FunctionMetrics metrics;
  private final LongSupplier nanoClock;
  private final List<Slot> slots = new ArrayList<>();
  private final ArrayDeque<Waiter> queue = new ArrayDeque<>();
  // (time, desired) samples over the scale-down window.
  private final ArrayDeque<long[]> samples = new ArrayDeque<>();
  private final List<Meter> meters;
  // What the warm path reads: the slots as of their last change, the queue's length, the spec.
  private volatile Slot[] view = new Slot[0];
  private volatile int waiting;
  private volatile PoolSpec spec;
  private int starting;
  private volatile long lastCall;
  private volatile boolean closed;

  public FunctionPool(Context context, PoolSpec spec, Backends backends, ScalingPolicy policy, FunctionMetrics metrics,
                      LongSupplier nanoClock) {
    this.context = context;
    this.spec = spec;
    this.backends = backends;
    this.policy = policy;
    this.metrics = metrics;
    this.nanoClock = nanoClock;
    this.lastCall = nanoClock.getAsLong() - policy.idle().toNanos() - 1;
    this.meters = metrics.pool(spec.key(), () -> waiting, () -> view.length);
  }

  /** A place on a container within {@code timeoutMillis}; fails with a {@link Refusal}. Call on the pool's context. */
  public Future<Lease> acquire(long timeoutMillis) {
    if (closed) {
      return Future.failedFuture(new Refusal(404, "the function was removed", 0));
    }
    lastCall = nanoClock.getAsLong();
    for (Slot free = free(); free != null; free = free()) {
      if (take(free)) {
        return Future.succeededFuture(new Lease(free));
      }
    }
    if (queue.size() >= policy.queueLimit()) {
      return Future.failedFuture(new Refusal(503, "too many calls are waiting for function " + spec.key(), 1));
    }
    Promise<Lease> promise = Promise.promise();
    long timer = context.owner().setTimer(Math.max(1, timeoutMillis), id -> {
      queue.removeIf(w -> w.promise == promise);
      waiting = queue.size();
      promise.tryFail(new Refusal(504, "no container of function " + spec.key() + " was free within the timeout", 0));
    });
    queue.add(new Waiter(promise, timer));
    waiting = queue.size();
    scaleUp();
    pump();
    return promise.future();
  }

  /**
   * A place on a free container, taken on the calling thread (any); null when calls are waiting,
   * no container has a free place, the spec is not this pool's or the pool is closed: then
   * {@link #acquire} on the pool's context decides.
   */
  public Lease tryAcquire(PoolSpec wanted) {
    PoolSpec current = spec;
    if (closed || waiting > 0 || !current.equals(wanted)) {
      return null;
    }
    Slot best = free();
    if (best == null || !take(best)) {
      return null;
    }
    lastCall = nanoClock.getAsLong();
    return new Lease(best);
  }

  /** Takes a new registration (a republish, changed limits); a new version's containers start at once. */
  public void update(PoolSpec next) {
    this.spec = next;
    if (!closed) {
      scaleUp();
    }
  }

  public PoolSpec spec() {
    return spec;
  }

  /** Re-evaluates the container count; the pools' timer calls it every second. */
  public void tick() {
    if (closed) {
      return;
    }
    long now = nanoClock.getAsLong();
    int wanted = desired(now);
    samples.addLast(new long[] {now, wanted});
    while (samples.size() > 1 && now - samples.peekFirst()[0] > policy.scaleDownWindow().toNanos()) {
      samples.removeFirst();
    }
    scaleUp();
    // A new version is ready: the old one's containers take no new calls.
    if (slots.stream().anyMatch(s -> current(s) && !s.draining)) {
      for (Slot slot : List.copyOf(slots)) {
        if (!current(slot) && !slot.draining) {
          drain(slot);
        }
      }
    }
    long keep = samples.stream().mapToLong(s -> s[1]).max().orElse(wanted);
    List<Slot> active = slots.stream().filter(s -> !s.draining && current(s))
      .sorted(Comparator.comparingInt((Slot s) -> s.inFlight.get())).toList();
    for (int i = 0; i < active.size() - keep; i++) {
      drain(active.get(i));
    }
  }

  /**
   * A container died: it takes no more calls, and others start for the demand. Calls it was
   * running fail on their own (their connection breaks).
   */
  public void lost(String containerId) {
    for (Slot slot : List.copyOf(slots)) {
      if (slot.backend.id().equals(containerId)) {
        stop(slot);
        if (!closed) {
          scaleUp();
        }
      }
    }
  }

  /** Whether the pool holds nothing at all: no container, no start under way, no call. */
  public boolean empty() {
    return slots.isEmpty() && starting == 0 && queue.isEmpty();
  }

  /** Drains every container and refuses the waiting calls; for a deleted function. */
  public void close() {
    closed = true;
    for (Waiter waiter : queue) {
      context.owner().cancelTimer(waiter.timer);
      waiter.promise.tryFail(new Refusal(404, "the function was removed", 0));
    }
    queue.clear();
    waiting = 0;
    List.copyOf(slots).forEach(this::drain);
    metrics.remove(meters);
  }

  /** Calls in flight on this pool's containers, for tests and the API. */
  public int inFlight() {
    return slots.stream().mapToInt(s -> s.inFlight.get()).sum();
  }

  public int queued() {
    return queue.size();
  }

  /** Containers taking calls (ready, not draining). */
  public int active() {
    return (int) slots.stream().filter(s -> !s.draining).count();
  }

  public int containers() {
    return slots.size();
  }

  int desired(long now) {
    boolean recent = now - lastCall < policy.idle().toNanos();
    return ScalingPolicy.desired(inFlight() + queue.size(), spec.concurrency(), recent, spec.minContainers(), spec.maxContainers());
  }

  private boolean current(Slot slot) {
    return slot.backend.version().equals(spec.version());
  }

  /** The least busy container with a free place, preferring the current version's; any thread. */
  private Slot free() {
    Slot[] slots = view;
    PoolSpec current = spec;
    boolean currentReady = false;
    for (Slot slot : slots) {
      currentReady |= !slot.draining && current(slot);
    }
    Slot best = null;
    int least = current.concurrency();
    for (Slot slot : slots) {
      int load = slot.inFlight.get();
      if (load < least && !slot.draining && (!currentReady || current(slot))) {
        best = slot;
        least = load;
      }
    }
    return best;
  }

  /** Starts containers up to the current demand, at once. */
  private void scaleUp() {
    long live = slots.stream().filter(s -> !s.draining && current(s)).count() + starting;
    int wanted = desired(nanoClock.getAsLong());
    for (long i = live; i < wanted; i++) {
      start();
    }
  }

  private void start() {
    PoolSpec launching = spec;
    if (slots.isEmpty() && starting == 0) {
      metrics.coldStart(launching.key());
    }
    starting++;
    backends.start(launching).onComplete(ar -> context.runOnContext(v -> {
      starting--;
      if (ar.succeeded()) {
        Slot slot = new Slot(ar.result());
        slots.add(slot);
        publish();
        if (closed) {
          drain(slot);
        } else {
          pump();
        }
        return;
      }
      log.warn("function {}: a container did not start: {}", launching.key(), ar.cause().getMessage());
      if (starting == 0 && slots.stream().noneMatch(s -> !s.draining)) {
        refuseAll(new Refusal(503, "no container of function " + launching.key() + " could start: " + ar.cause().getMessage(), 5));
      }
    }));
  }

  private void publish() {
    view = slots.toArray(new Slot[0]);
  }

  private void refuseAll(Refusal refusal) {
    for (Iterator<Waiter> it = queue.iterator(); it.hasNext(); ) {
      Waiter waiter = it.next();
      it.remove();
      waiting = queue.size();
      context.owner().cancelTimer(waiter.timer);
      waiter.promise.tryFail(refusal);
    }
  }

  /** Hands free places to waiting calls, oldest first. */
  private void pump() {
    while (!queue.isEmpty()) {
      Slot free = free();
      if (free == null) {
        return;
      }
      if (!take(free)) {
        continue;
      }
      Waiter waiter = queue.poll();
      waiting = queue.size();
      context.owner().cancelTimer(waiter.timer);
      if (!waiter.promise.tryComplete(new Lease(free))) {
        giveBack(free, false);
      }
    }
  }

  /** One more call on {@code slot} unless it is full or draining; any thread. */
  private boolean take(Slot slot) {
    int limit = spec.concurrency();
    for (int n = slot.inFlight.get(); ; n = slot.inFlight.get()) {
      if (n >= limit || slot.draining) {
        return false;
      }
      if (slot.inFlight.compareAndSet(n, n + 1)) {
        break;
      }
    }
    if (slot.draining) {
      // Drained meanwhile: the drainer may have seen this place taken and kept the container for it.
      giveBack(slot, false);
      return false;
    }
    return true;
  }

  /** A place back, on the caller's thread; the context is needed only when something is to be decided. */
  private void giveBack(Slot slot, boolean recycle) {
    slot.inFlight.decrementAndGet();
    if (recycle || slot.draining || waiting > 0) {
      context.runOnContext(v -> release(slot, recycle));
    }
  }

  /** After a place came back: a recycled container drained, a drained one stopped, the queue served. On the context. */
  private void release(Slot slot, boolean recycle) {
    if (recycle && !slot.draining) {
      drain(slot);
      if (!closed) {
        scaleUp();
      }
    } else if (slot.draining && slot.inFlight.get() == 0) {
      stop(slot);
    }
    pump();
  }

  private void drain(Slot slot) {
    slot.draining = true;
    if (slot.inFlight.get() == 0) {
      stop(slot);
    }
  }

  private void stop(Slot slot) {
    slot.draining = true;
    if (slots.remove(slot)) {
      publish();
      backends.stop(slot.backend).onFailure(failure ->
        log.warn("function {}: container {} did not stop: {}", spec.key(), slot.backend.id(), failure.getMessage()));
    }
  }
}
