package io.wharf.container.impl;

import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import io.wharf.container.ContainerAddresses.FailureCodes;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DockerFailuresTest {

  @Test
  void readsTheEngineMessage() {
    assertEquals("No such image: wharf/nope:1",
      DockerFailures.engineMessage(new NotFoundException("{\"message\":\"No such image: wharf/nope:1\"}\n")));
    assertEquals("plain text", DockerFailures.engineMessage(new NotFoundException("plain text")));
  }

  @Test
  void engineAnswersAreDockerErrors() {
    ContainerFailure failure = DockerFailures.translate(
      new ConflictException("{\"message\":\"name in use\"}"), "create container for alice");
    assertEquals(FailureCodes.DOCKER_ERROR, failure.code());
    assertEquals("Docker refused to create container for alice: name in use", failure.getMessage());
  }

  @Test
  void transportFailuresMeanDockerIsUnavailable() {
    ContainerFailure failure = DockerFailures.translate(
      new RuntimeException(new UncheckedIOException(new IOException("No such file or directory"))), "list containers");
    assertEquals(FailureCodes.DOCKER_UNAVAILABLE, failure.code());
  }
}
