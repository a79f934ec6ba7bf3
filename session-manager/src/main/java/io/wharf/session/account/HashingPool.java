package io.wharf.session.account;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;

import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that hash passwords, apart from Vert.x's shared worker pool (which the stores and
 * the lifecycle use), with a bound on the password checks that may wait for them: a flood of
 * logins then costs a few threads and gets {@link Full} answers, instead of a queue that grows
 * without bound in front of everyone else's blocking work.
 */
public final class HashingPool {

  /** The name of its Vert.x worker pool, as thread names and Vert.x's metrics show it. */
  public static final String NAME = "wharf-password-hashing";

  private final WorkerExecutor executor;
  private final int bound;
  private final AtomicInteger pending = new AtomicInteger();

  /**
   * @param threads threads that hash
   * @param queue   checks that may wait for a thread; past {@code threads + queue}, checks are refused
   */
  public HashingPool(Vertx vertx, int threads, int queue) {
    this.executor = vertx.createSharedWorkerExecutor(NAME, threads);
    this.bound = threads + queue;
  }

  /** Runs a password check, or fails at once with {@link Full} when the pool and its queue are full. */
  <T> Future<T> check(Callable<T> work) {
    if (pending.incrementAndGet() > bound) {
      pending.decrementAndGet();
      return Future.failedFuture(new Full());
    }
    // Counted down as soon as the hash is done, not when the event loop gets to its result.
    return run(() -> {
      try {
        return work.call();
      } finally {
        pending.decrementAndGet();
      }
    });
  }

  /** Runs a hash that must not be refused (an account being saved), after any checks already waiting. */
  <T> Future<T> hash(Callable<T> work) {
    return run(work);
  }

  private <T> Future<T> run(Callable<T> work) {
    // Unordered: the hashes of different callers do not wait for each other.
    return executor.executeBlocking(work, false);
  }

  /** Password checks that are running or waiting now. */
  int pending() {
    return pending.get();
  }

  /** A password check refused because the pool and its queue are full; the caller should retry shortly. */
  public static final class Full extends RuntimeException {

    private static final long serialVersionUID = 1L;

    Full() {
      super("too many sign-ins are being checked; try again shortly", null, false, false);
    }
  }
}
