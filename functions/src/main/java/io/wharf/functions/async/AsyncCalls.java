package io.wharf.functions.async;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.wharf.functions.FunctionInvoker;
import io.wharf.session.store.JdbcStore;

import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.function.LongSupplier;

/**
 * Durable async calls of registered functions. A submitted call is in the database before
 * {@link #submit} completes, so an acknowledged call (202) survives the instance that took it.
 * Each instance that {@link #start}s runs a worker that claims due calls under a lease and runs
 * them through the {@link FunctionInvoker}; a call whose instance stops is taken over by another
 * (or the restarted one) when its lease runs out. A call therefore ends (succeeded, failed or
 * cancelled) exactly once. Each attempt carries the call's id ({@code call_id} in the call's
 * JSON), so a runtime that still runs or has run the call answers a repeated attempt without
 * running it again; the attempt's container is recorded before it is sent, and a take-over after
 * a restart asks that container again (see {@link CallWorker}). Where that container is gone, or
 * another instance takes the call over, the call runs again: at least once.
 */
public final class AsyncCalls {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Vertx vertx;
  private final CallTable table;
  private final AsyncCallOptions options;
  private final LongSupplier clock;
  private final CallWorker worker;
  private final Counter submitted;
  private final Counter refused;
  private String deployment;

  private AsyncCalls(Vertx vertx, JdbcStore store, AsyncInvoker invoker, AsyncCallOptions options, MeterRegistry registry,
                     LongSupplier clock) {
    this.vertx = vertx;
    this.table = new CallTable(store);
    this.options = options;
    this.clock = clock;
    this.worker = new CallWorker(table, invoker, options, registry, clock);
    this.submitted = Counter.builder("wharf.functions.async.submitted").description("Async calls accepted").register(registry);
    this.refused = Counter.builder("wharf.functions.async.refused").description("Async calls refused: queue full")
      .register(registry);
  }

  /**
   * Async calls kept in {@code store}'s database, run through {@code invoker}, which names the containers attempts go to and
   * the earlier run's (see {@link CallWorker}); call {@link #start} to run them on this instance too.
   */
  public static AsyncCalls create(Vertx vertx, JdbcStore store, AsyncInvoker invoker, AsyncCallOptions options,
                                  MeterRegistry registry) {
    return new AsyncCalls(vertx, store, invoker, options, registry, System::currentTimeMillis);
  }

  /** Async calls run through {@code invoker}, which names no container: a call taken over from a killed run runs again. */
  public static AsyncCalls create(Vertx vertx, JdbcStore store, FunctionInvoker invoker, AsyncCallOptions options,
                                  MeterRegistry registry) {
    return create(vertx, store, AsyncInvoker.of(invoker), options, registry);
  }

  /** As {@link #create(Vertx, JdbcStore, AsyncInvoker, AsyncCallOptions, MeterRegistry)}, on a clock of the caller's. */
  static AsyncCalls create(Vertx vertx, JdbcStore store, AsyncInvoker invoker, AsyncCallOptions options,
                           MeterRegistry registry, LongSupplier clock) {
    return new AsyncCalls(vertx, store, invoker, options, registry, clock);
  }

  /** As {@link #create(Vertx, JdbcStore, FunctionInvoker, AsyncCallOptions, MeterRegistry)}, on a clock of the caller's. */
  static AsyncCalls create(Vertx vertx, JdbcStore store, FunctionInvoker invoker, AsyncCallOptions options,
                           MeterRegistry registry, LongSupplier clock) {
    return create(vertx, store, AsyncInvoker.of(invoker), options, registry, clock);
  }

  /** Starts this instance's worker (until {@link #stop}, or until Vert.x closes). */
  public Future<Void> start() {
    return vertx.deployVerticle(worker).onSuccess(id -> deployment = id).mapEmpty();
  }

  /**
   * Stops claiming and forgets the calls running here, as a stopped process would: their
   * leases run out and another worker takes them over.
   */
  public Future<Void> stop() {
    String id = deployment;
    deployment = null;
    return id == null ? Future.succeededFuture() : vertx.undeploy(id);
  }

  /** {@link #submit(String, String, String, JsonObject, String, String, Duration)} with the configured call timeout. */
  public Future<AsyncCall> submit(String owner, String function, String command, JsonObject call, String idempotencyKey,
                                  String callerKeyId) {
    return submit(owner, function, command, call, idempotencyKey, callerKeyId, options.callTimeout());
  }

  /**
   * Stores a new queued call and gives it once it is committed; or, when {@code idempotencyKey}
   * (may be null) was used before by the same caller key for the same function, the call it made
   * then, whatever its state. Fails with {@link QueueFullException} when the function has its
   * maximum of calls queued or running.
   *
   * @param callerKeyId the id of the key the caller presented; empty for a public function's anonymous caller
   * @param timeout     how long one attempt may take (the function's timeout)
   */
  public Future<AsyncCall> submit(String owner, String function, String command, JsonObject call, String idempotencyKey,
                                  String callerKeyId, Duration timeout) {
    long now = clock.getAsLong();
    AsyncCall fresh = new AsyncCall(newId(), owner, function, command, call, callerKeyId, CallState.QUEUED, 0, now, now,
      0, 0, 0, 0, null, null, timeout.toMillis(), null);
    return table.insert(fresh, idempotencyKey, options.maxQueuedPerFunction())
      .recover(e -> duplicate(e) ? table.byIdempotencyKey(owner, function, callerKeyId, idempotencyKey) : Future.failedFuture(e))
      .andThen(stored -> {
        if (stored.succeeded() && stored.result().id().equals(fresh.id())) {
          submitted.increment();
          worker.wake();
        } else if (stored.cause() instanceof QueueFullException) {
          refused.increment();
        }
      });
  }

  /** The call {@code id} names, or null. */
  public Future<AsyncCall> get(String id) {
    return table.get(id);
  }

  /**
   * Cancels the call if it has not ended, and gives it as it is then (null: no such call). A
   * running attempt is not interrupted, but its outcome is dropped.
   */
  public Future<AsyncCall> cancel(String id) {
    long now = clock.getAsLong();
    return table.cancel(id, now, now + options.retention().toMillis());
  }

  /** Calls running on this instance now. */
  public int running() {
    return worker.running();
  }

  /** One round of the worker's housekeeping now (fail abandoned calls, delete expired ones); how many were deleted. */
  Future<Integer> houseKeeping() {
    return worker.houseKeepingNow();
  }

  /** One round of removing the earlier run's containers no call needs; how many are still kept. */
  Future<Integer> releaseLeftovers() {
    return worker.onLoop(worker::releaseLeftovers);
  }

  /** Wakes the worker, as a submission does. */
  void wake() {
    worker.wake();
  }

  /** 128 random bits in hex: a call id is unguessable, since it is all a caller needs to read the call. */
  private static String newId() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  /** A concurrent submission with the same idempotency key inserted first (unique violation). */
  private static boolean duplicate(Throwable e) {
    return e instanceof SQLException sql && "23505".equals(sql.getSQLState());
  }
}
