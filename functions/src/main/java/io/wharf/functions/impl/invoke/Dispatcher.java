package io.wharf.functions.impl.invoke;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.wharf.functions.FunctionInvoker;
import io.wharf.functions.Invocation;
import io.wharf.functions.impl.FunctionMetrics;
import io.wharf.functions.impl.registry.FunctionRecord;
import io.wharf.functions.impl.registry.FunctionStore;
import io.wharf.functions.impl.scaling.Backend;
import io.wharf.functions.impl.scaling.FunctionPool;
import io.wharf.functions.impl.scaling.Pools;
import io.wharf.functions.impl.scaling.Refusal;

import java.time.Duration;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Runs a call: finds the function, takes a place on one of its containers (waiting in its queue,
 * starting one from zero), calls the runtime there within what is left of the timeout, and gives
 * the place back, recycling a container that ran over. Never fails: every problem is a result.
 */
public final class Dispatcher implements FunctionInvoker {

  /** A Python identifier, which is also all a runtime's URL path needs. */
  static final Pattern COMMAND = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

  private final FunctionStore registry;
  private final Pools pools;
  private final RuntimeClient runtime;
  private final FunctionMetrics metrics;
  private final InvocationLog log;

  public Dispatcher(FunctionStore registry, Pools pools, RuntimeClient runtime, FunctionMetrics metrics) {
    this(registry, pools, runtime, metrics, new InvocationLog(50));
  }

  /** @param log where each call's status and duration are recorded */
  public Dispatcher(FunctionStore registry, Pools pools, RuntimeClient runtime, FunctionMetrics metrics, InvocationLog log) {
    this.log = log;
    this.registry = registry;
    this.pools = pools;
    this.runtime = runtime;
    this.metrics = metrics;
  }

  @Override
  public Future<Invocation.Result> invoke(String owner, String function, String command, JsonObject call, Duration timeout) {
    return invoke(owner, function, command, call, timeout, null);
  }

  /**
   * As {@link #invoke(String, String, String, JsonObject, Duration)}; when {@code placing} is not null it is given the
   * container the call got a place on before the call is sent there, and the call is sent only if its future succeeds with
   * true (an async call records its container durably first), else the place is given back and the call answered 503 unsent.
   */
  public Future<Invocation.Result> invoke(String owner, String function, String command, JsonObject call, Duration timeout,
                                          Function<Backend, Future<Boolean>> placing) {
    return registry.find(owner, function)
      .compose(fn -> fn == null
          ? Future.succeededFuture(Problems.result(404, "no such function", "there is no function " + owner + "/" + function))
          : invoke(fn, command, call.toBuffer(), timeout, placing),
        failure -> Future.succeededFuture(Problems.result(503, "the function registry is unavailable", "try again")));
  }

  /** A call of a function already looked up (the router's path, which checked the key against it). */
  public Future<Invocation.Result> invoke(FunctionRecord fn, String command, JsonObject call, Duration timeout) {
    return invoke(fn, command, call.toBuffer(), timeout);
  }

  /**
   * The same, with the call already in the runtime's form ({@code {"args": [...], "kwargs": {...}}}
   * as JSON bytes), which goes to the runtime as it is.
   */
  public Future<Invocation.Result> invoke(FunctionRecord fn, String command, Buffer call, Duration timeout) {
    return invoke(fn, command, call, timeout, null);
  }

  private Future<Invocation.Result> invoke(FunctionRecord fn, String command, Buffer call, Duration timeout,
                                           Function<Backend, Future<Boolean>> placing) {
    long start = System.nanoTime();
    if (!isCommand(command)) {
      log.record(fn.key(), new InvocationLog.Entry(System.currentTimeMillis(), command.length() > 128 ? command.substring(0, 128) : command,
        404, "not_found", (System.nanoTime() - start) / 1e6));
      return Future.succeededFuture(Problems.result(404, "no such command", "'" + command + "' is not a command name"));
    }
    long limit = Math.min(timeout.toMillis(), fn.timeoutSeconds() * 1000L);
    long deadline = start + limit * 1_000_000L;
    return pools.acquire(fn.poolSpec(), limit)
      .compose(lease -> placing == null ? send(lease, command, call, deadline) : placing.apply(lease.backend()).otherwise(false)
        .compose(placed -> placed ? send(lease, command, call, deadline) : unsent(lease)))
      .recover(failure -> Future.succeededFuture(refused(failure)))
      .map(outcome -> {
        long took = System.nanoTime() - start;
        metrics.invoked(fn.key(), outcome.outcome(), took);
        log.record(fn.key(), new InvocationLog.Entry(System.currentTimeMillis(), command, outcome.result().status(), outcome.outcome(),
          took / 1e6));
        return outcome.result();
      });
  }

  private Future<RuntimeClient.Outcome> send(FunctionPool.Lease lease, String command, Buffer call, long deadline) {
    // Rounded up: a call gets all of its time, never a millisecond less.
    long left = Math.max(1, (deadline - System.nanoTime() + 999_999L) / 1_000_000L);
    return runtime.invoke(lease.backend(), command, call, left).map(outcome -> {
      lease.release(outcome.broken());
      return outcome;
    });
  }

  /** A call whose container could not be recorded: not sent. */
  private static Future<RuntimeClient.Outcome> unsent(FunctionPool.Lease lease) {
    lease.release(false);
    return Future.succeededFuture(new RuntimeClient.Outcome(Problems.result(503, "the call could not be placed",
      "where it was to run could not be recorded; it was not sent"), "rejected", false));
  }

  /** Whether {@code command} matches {@link #COMMAND}; by hand, as it is checked on every call. */
  static boolean isCommand(String command) {
    int length = command.length();
    if (length == 0 || length > 128 || Character.isDigit(command.charAt(0))) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      char c = command.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_')) {
        return false;
      }
    }
    return true;
  }

  /** The runtime's {@code /describe} of the function's current version, from one of its containers (started if need be). */
  public Future<JsonObject> describe(FunctionRecord fn, Duration timeout) {
    return pools.acquire(fn.poolSpec(), timeout.toMillis())
      .compose(lease -> runtime.describe(lease.backend()).andThen(ar -> lease.release(false)));
  }

  private static RuntimeClient.Outcome refused(Throwable failure) {
    if (failure instanceof Refusal refusal) {
      String title = switch (refusal.status()) {
        case 504 -> "the function timed out";
        case 404 -> "no such function";
        default -> "the function is overloaded";
      };
      JsonObject body = Problems.body(refusal.status(), title, refusal.getMessage());
      if (refusal.retryAfterSeconds() > 0) {
        body.put("retry_after", refusal.retryAfterSeconds());
      }
      String outcome = refusal.status() == 504 ? "timeout" : refusal.status() == 404 ? "not_found" : "rejected";
      return new RuntimeClient.Outcome(new Invocation.Result(refusal.status(), body.toBuffer()), outcome, false);
    }
    return new RuntimeClient.Outcome(Problems.result(502, "the function container failed", "the call could not be made"), "failed",
      false);
  }
}
