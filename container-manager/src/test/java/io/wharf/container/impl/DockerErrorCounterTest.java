package io.wharf.container.impl;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wharf.container.ContainerAddresses.FailureCodes;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

class DockerErrorCounterTest {

  private static double count(SimpleMeterRegistry registry, String reason) {
    return registry.get("wharf.docker.errors").tag("reason", reason).counter().count();
  }

  @Test
  void countsOnlyDockersFailures() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    DockerErrorCounter errors = DockerErrorCounter.register(registry);
    errors.failed(FailureCodes.DOCKER_UNAVAILABLE);
    errors.failed(FailureCodes.DOCKER_UNAVAILABLE);
    errors.failed(FailureCodes.DOCKER_ERROR);
    errors.failed(FailureCodes.AT_CAPACITY);
    errors.failed(FailureCodes.BAD_REQUEST);
    errors.failed(FailureCodes.NOT_READY);
    errors.failed(FailureCodes.IMAGE_NOT_FOUND);
    assertEquals(2.0, count(registry, "unavailable"));
    assertEquals(1.0, count(registry, "error"));
  }

  @Test
  void withoutARegistryNothingIsCounted() {
    assertDoesNotThrow(() -> DockerErrorCounter.register(null).failed(FailureCodes.DOCKER_ERROR));
  }
}
