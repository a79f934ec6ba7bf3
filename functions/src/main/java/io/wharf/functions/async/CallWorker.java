package io.wharf.functions.async;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.wharf.functions.Invocation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Runs due async calls on this instance: claims at most {@code max-running} at a time under a
 * lease, renews the leases while they run, invokes the function, and records the outcome: done,
 * retried later with backoff, or failed. Any number of instances may run one each; the table's
 * claims keep a call on one worker at a time. All its state is on its own event loop.
 *
 * <p>Exactly once across a kill of this instance: an attempt's container is recorded under the
 * call's claim before the attempt is sent to it ({@link CallTable#place}; a crash before the
 * write means nothing was sent). At start the worker takes over the function containers its
 * instance's earlier run left running ({@link AsyncInvoker#leftovers}; the container manager keeps
 * them instead of removing them at once). A call taken over from that run (its lease ran out)
 * whose recorded container is one of them is sent again to that container itself, outside any
 * pool: its runtime runs a call id once, so it answers from memory, or waits for the run still
 * going, instead of running it again. A leftover is removed once no running call names it, and
 * at the latest after the lease plus twice the longest timeout of the calls that did. A call
 * whose recorded container is gone (it died) goes through the pools again: it may run twice.
 */
final class CallWorker extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(CallWorker.class);
  /** How long past its own timeout an invocation that has not answered is given up as timed out. */
  private static final long INVOKER_GRACE_MS = 1000;

  private final CallTable table;
  private final AsyncInvoker invoker;
  private final AsyncCallOptions options;
  private final LongSupplier clock;
  private final AtomicInteger running = new AtomicInteger();
  /** Claims with calls still running here, and how many: their leases are renewed. */
  private final Map<String, Integer> claims = new HashMap<>();
  private final Counter retried;
  private final Counter recovered;
  private final MeterRegistry registry;
  private boolean polling;
  private boolean pollAgain;
  private boolean stopped;
  /** The earlier run's containers still kept, by id; removed once no call needs them or at {@link #leftoversDeadline}. */
  private final Map<String, Placement> leftovers = new HashMap<>();
  private long leftoversDeadline = Long.MAX_VALUE;

  CallWorker(CallTable table, AsyncInvoker invoker, AsyncCallOptions options, MeterRegistry registry, LongSupplier clock) {
    this.table = table;
    this.invoker = invoker;
    this.options = options;
    this.clock = clock;
    this.registry = registry;
    this.retried = Counter.builder("wharf.functions.async.retries").description("Async call attempts retried")
      .register(registry);
    this.recovered = Counter.builder("wharf.functions.async.recovered")
      .description("Async call attempts sent again to the container of an earlier run that the call's attempt was sent to")
      .register(registry);
    Gauge.builder("wharf.functions.async.running", running, AtomicInteger::get)
      .description("Async calls this instance is running").register(registry);
  }

  @Override
  public Future<?> start() {
    // The leftovers are known before the first claim, so a take-over cannot miss its container.
    return guarded(invoker::leftovers).otherwise(failure -> {
      log.warn("the function containers of an earlier run are unknown; calls they ran are run again: {}", failure.toString());
      return List.of();
    }).map(found -> {
      found.forEach(container -> leftovers.put(container.containerId(), container));
      vertx.setPeriodic(options.pollInterval().toMillis(), id -> poll());
      vertx.setPeriodic(Math.max(options.lease().toMillis() / 3, 1), id -> renew());
      vertx.setPeriodic(Math.max(options.pollInterval().toMillis() * 10, 1000), id -> houseKeeping());
      poll();
      houseKeeping();
      return null;
    });
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    return Future.succeededFuture();
  }

  /** Looks for due calls now (a submission on this instance, or a free slot). Callable from any thread. */
  void wake() {
    if (context != null) {
      context.runOnContext(v -> poll());
    }
  }

  int running() {
    return running.get();
  }

  /** Runs {@code action} on the worker's event loop, where its state lives (tests). */
  <T> Future<T> onLoop(Supplier<Future<T>> action) {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> action.get().onComplete(promise));
    return promise.future();
  }

  private void poll() {
    if (stopped) {
      return;
    }
    if (polling) {
      pollAgain = true;
      return;
    }
    int free = options.maxRunning() - running.get();
    if (free <= 0) {
      return;
    }
    polling = true;
    pollAgain = false;
    String token = UUID.randomUUID().toString();
    long now = clock.getAsLong();
    guarded(() -> table.claim(free, token, now, now + options.lease().toMillis(), options.maxAttempts())).onComplete(claimed -> {
      polling = false;
      if (claimed.failed()) {
        log.warn("could not claim async calls: {}", claimed.cause().toString());
        return;
      }
      List<AsyncCall> calls = claimed.result();
      if (!calls.isEmpty()) {
        claims.put(token, calls.size());
        calls.forEach(call -> run(call, token));
      }
      if (pollAgain || calls.size() == free) {
        poll();
      }
    });
  }

  private void run(AsyncCall call, String token) {
    running.incrementAndGet();
    invoke(call, token).transform(answer -> stopped ? Future.<Void>succeededFuture()
        : record(call, token, answer.succeeded() ? answer.result() : null, answer.cause()))
      .onComplete(recorded -> {
        if (recorded.failed()) {
          // The lease runs out and the call is claimed again: an outcome that cannot be written is retried.
          log.warn("could not record the outcome of async call {}: {}", call.id(), recorded.cause().toString());
        }
        running.decrementAndGet();
        claims.computeIfPresent(token, (t, n) -> n == 1 ? null : n - 1);
        poll();
      });
  }

  private Future<Invocation.Result> invoke(AsyncCall call, String token) {
    Promise<Invocation.Result> answer = Promise.promise();
    long guard = vertx.setTimer(call.timeoutMs() + INVOKER_GRACE_MS,
      id -> answer.tryFail(new TimeoutException("no answer within " + call.timeoutMs() + " ms")));
    Future<Invocation.Result> invoked;
    try {
      // The call id lets a runtime answer a repeated attempt without running it again (PROTOCOL.md, call_id).
      JsonObject body = call.call().copy().put("call_id", call.id());
      Duration timeout = Duration.ofMillis(call.timeoutMs());
      Placement earlier = call.container() == null ? null : leftovers.get(call.container());
      if (earlier != null) {
        // Taken over from the killed run, whose attempt went to this container: it answers the call id it ran or runs.
        log.info("async call {} taken over: asking container {} of the earlier run, which it was sent to", call.id(),
          earlier.containerId());
        recovered.increment();
        invoked = invoker.invokeOn(earlier, call.command(), body, timeout);
      } else {
        invoked = invoker.invoke(call.owner(), call.function(), call.command(), body, timeout,
          container -> guarded(() -> table.place(call.id(), token, container)));
      }
    } catch (RuntimeException e) {
      invoked = Future.failedFuture(e);
    }
    invoked.onComplete(result -> {
      vertx.cancelTimer(guard);
      if (result.succeeded()) {
        answer.tryComplete(result.result());
      } else {
        answer.tryFail(result.cause());
      }
    });
    return answer.future();
  }

  /** Writes what one attempt gave: the call ends, or goes back to the queue for another attempt. */
  private Future<Void> record(AsyncCall call, String token, Invocation.Result result, Throwable failure) {
    long now = clock.getAsLong();
    long expires = now + options.retention().toMillis();
    int status = result == null ? 0 : result.status();
    String body = result == null ? null : result.body().toString();
    if (result != null && !retryable(status)) {
      boolean ok = status < 400;
      String error = ok ? null : "the function answered " + status;
      return ended(table.finish(call.id(), token, ok ? CallState.SUCCEEDED : CallState.FAILED, status, body, error, now,
        expires), call, ok ? CallState.SUCCEEDED : CallState.FAILED);
    }
    String reason = result != null ? "the function answered " + status
      : failure instanceof TimeoutException ? "timed out: " + failure.getMessage() : "could not invoke: " + failure.getMessage();
    if (call.attempts() >= options.maxAttempts()) {
      return ended(table.finish(call.id(), token, CallState.FAILED, status, body,
        reason + " (attempt " + call.attempts() + " of " + options.maxAttempts() + ")", now, expires), call, CallState.FAILED);
    }
    long backoff = options.backoffAfter(call.attempts()).toMillis();
    long jitter = backoff / 4 == 0 ? 0 : ThreadLocalRandom.current().nextLong(backoff / 4 + 1);
    retried.increment();
    return table.retry(call.id(), token, now + backoff + jitter, reason + " (attempt " + call.attempts() + ")").mapEmpty();
  }

  private Future<Void> ended(Future<Boolean> written, AsyncCall call, CallState state) {
    return written.map(won -> {
      String outcome = won ? state.label() : "superseded";
      if (!won) {
        log.info("async call {} was cancelled or taken over while it ran; its outcome here is dropped", call.id());
      }
      Counter.builder("wharf.functions.async.ended").tag("outcome", outcome)
        .description("Async call attempts that ended a call (or found it ended or taken over)").register(registry).increment();
      return null;
    });
  }

  /** A store call that refuses at once (its pool closed as Vert.x closes) as a failed future. */
  private static <T> Future<T> guarded(Supplier<Future<T>> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /** 5xx answers, timeouts (408) and throttling (429) may go better on another attempt; other 4xx will not. */
  static boolean retryable(int status) {
    return status >= 500 || status == 408 || status == 429;
  }

  private void renew() {
    if (stopped) {
      return;
    }
    long until = clock.getAsLong() + options.lease().toMillis();
    for (String token : List.copyOf(claims.keySet())) {
      guarded(() -> table.renew(token, until)).onFailure(e -> log.warn("could not renew an async call lease: {}", e.toString()));
    }
  }

  private void houseKeeping() {
    guarded(this::houseKeepingNow).onFailure(e -> log.warn("async call housekeeping failed: {}", e.toString()));
    releaseLeftovers().onFailure(e -> log.warn("could not tell which function containers of the earlier run calls still need: {}",
      e.toString()));
  }

  /**
   * Removes the earlier run's containers that no running call names any more (all of them once past the deadline, set at
   * the first round: the lease plus twice the longest timeout of the calls that named them); how many are still kept.
   */
  Future<Integer> releaseLeftovers() {
    if (leftovers.isEmpty()) {
      return Future.succeededFuture(0);
    }
    return guarded(table::runningOn).map(needed -> {
      long now = clock.getAsLong();
      if (leftoversDeadline == Long.MAX_VALUE) {
        long longest = leftovers.keySet().stream().mapToLong(id -> needed.getOrDefault(id, 0L)).max().orElse(0);
        leftoversDeadline = now + options.lease().toMillis() + 2 * longest + INVOKER_GRACE_MS;
      }
      for (Placement container : List.copyOf(leftovers.values())) {
        if (now >= leftoversDeadline || !needed.containsKey(container.containerId())) {
          leftovers.remove(container.containerId());
          log.info("removing function container {} of the earlier run: no call needs it", container.containerId());
          guarded(() -> invoker.remove(container)).onFailure(e -> log.warn("function container {} of the earlier run was not removed: {}",
            container.containerId(), e.toString()));
        }
      }
      return leftovers.size();
    });
  }

  /** Fails the calls abandoned on their last attempt and deletes the ended calls past retention; how many were deleted. */
  Future<Integer> houseKeepingNow() {
    long now = clock.getAsLong();
    return table.failAbandoned(now, options.maxAttempts(), now + options.retention().toMillis())
      .compose(failed -> table.purge(now));
  }
}
