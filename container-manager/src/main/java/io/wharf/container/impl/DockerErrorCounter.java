package io.wharf.container.impl;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.wharf.container.ContainerAddresses.FailureCodes;

/**
 * Counts the container manager's answers that failed because of Docker, exported as
 * {@code wharf_docker_errors_total}: {@code reason="unavailable"} when the engine did not answer,
 * {@code reason="error"} when it refused or failed. Other failures (bad requests, a full instance,
 * a notebook that never became ready) are not Docker's and are not counted.
 */
final class DockerErrorCounter {

  private final Counter unavailable;
  private final Counter error;

  private DockerErrorCounter(Counter unavailable, Counter error) {
    this.unavailable = unavailable;
    this.error = error;
  }

  /** @param registry where to register; null counts nothing */
  static DockerErrorCounter register(MeterRegistry registry) {
    if (registry == null) {
      return new DockerErrorCounter(null, null);
    }
    return new DockerErrorCounter(counter(registry, "unavailable"), counter(registry, "error"));
  }

  private static Counter counter(MeterRegistry registry, String reason) {
    return Counter.builder("wharf.docker.errors")
      .description("Container-manager requests that failed because the Docker engine was unreachable or failed")
      .tag("reason", reason)
      .register(registry);
  }

  /** Counts one failed answer with the given {@link FailureCodes failure code}, when it is Docker's. */
  void failed(int failureCode) {
    Counter counter = failureCode == FailureCodes.DOCKER_UNAVAILABLE ? unavailable
      : failureCode == FailureCodes.DOCKER_ERROR ? error : null;
    if (counter != null) {
      counter.increment();
    }
  }
}
