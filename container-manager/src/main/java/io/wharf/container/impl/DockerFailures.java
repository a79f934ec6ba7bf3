package io.wharf.container.impl;

import com.github.dockerjava.api.exception.DockerException;
import io.vertx.core.json.JsonObject;
import io.wharf.container.ContainerAddresses.FailureCodes;

import java.io.IOException;

/** Turns docker-java exceptions into failure codes and messages a user may read. */
final class DockerFailures {

  private DockerFailures() {
  }

  static ContainerFailure translate(RuntimeException e, String action) {
    if (e instanceof ContainerFailure failure) {
      return failure;
    }
    if (e instanceof DockerException docker) {
      return new ContainerFailure(FailureCodes.DOCKER_ERROR,
        "Docker refused to " + action + ": " + engineMessage(docker), e);
    }
    // Anything that is not an engine answer is the transport failing: socket missing, refused, timed out.
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof IOException) {
        return new ContainerFailure(FailureCodes.DOCKER_UNAVAILABLE,
          "the Docker engine is not reachable (" + action + ")", e);
      }
    }
    return new ContainerFailure(FailureCodes.DOCKER_ERROR,
      "could not " + action + ": " + e.getMessage(), e);
  }

  /** docker-java puts the engine's JSON body in the message: {@code Status 404: {"message":"…"}}. */
  static String engineMessage(DockerException e) {
    String message = String.valueOf(e.getMessage());
    int start = message.indexOf('{');
    if (start >= 0) {
      try {
        String engine = new JsonObject(message.substring(start).trim()).getString("message");
        if (engine != null) {
          return engine;
        }
      } catch (RuntimeException ignored) {
        // Not JSON; fall through to the raw message.
      }
    }
    return message.replaceFirst("^Status \\d+: ", "").trim();
  }
}
