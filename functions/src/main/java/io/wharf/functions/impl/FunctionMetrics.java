package io.wharf.functions.impl;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The functions' meters, labelled by function ({@code owner/name}: registered entities, so bounded by
 * {@code functions.per-user} times the users): {@code wharf_function_invocations_total} by outcome,
 * {@code wharf_function_duration_seconds}, {@code wharf_function_queue_length},
 * {@code wharf_function_containers} and {@code wharf_function_cold_starts_total}.
 */
public final class FunctionMetrics {

  /** One function's call meters, looked up in the registry once rather than on every call. */
  private final class CallMeters {
    final Timer duration;
    final Map<String, Counter> byOutcome = new ConcurrentHashMap<>();
    final String function;

    CallMeters(String function) {
      this.function = function;
      this.duration = Timer.builder("wharf_function_duration").description("Duration of calls of registered functions, queueing included")
        .tags("function", function).publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(60)).register(registry);
    }

    Counter outcome(String outcome) {
      return byOutcome.computeIfAbsent(outcome, o -> Counter.builder("wharf_function_invocations")
        .description("Calls of registered functions, by outcome").tags("function", function, "outcome", o).register(registry));
    }
  }

  private final MeterRegistry registry;
  // Bounded as the label is: by the registered functions.
  private final Map<String, CallMeters> calls = new ConcurrentHashMap<>();

  public FunctionMetrics(MeterRegistry registry) {
    this.registry = registry == null ? new SimpleMeterRegistry() : registry;
  }

  /** One answered call: its outcome ({@code ok}, {@code error}, {@code timeout}, {@code rejected}, ...) and duration. */
  public void invoked(String function, String outcome, long nanos) {
    CallMeters meters = calls.get(function);
    if (meters == null) {
      meters = calls.computeIfAbsent(function, CallMeters::new);
    }
    meters.outcome(outcome).increment();
    meters.duration.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** A container started while the function had none. */
  public void coldStart(String function) {
    Counter.builder("wharf_function_cold_starts").description("Function containers started while the function had none")
      .tags("function", function).register(registry).increment();
  }

  /** Gauges of one function's pool; the returned meters are removed with {@link #remove}. */
  public List<Meter> pool(String function, Supplier<Number> queued, Supplier<Number> containers) {
    return List.of(
      Gauge.builder("wharf_function_queue_length", queued).description("Calls waiting for a free function container")
        .tags("function", function).register(registry),
      Gauge.builder("wharf_function_containers", containers).description("Running function containers")
        .tags("function", function).register(registry));
  }

  public void remove(List<Meter> meters) {
    meters.forEach(registry::remove);
  }

  public MeterRegistry registry() {
    return registry;
  }
}
