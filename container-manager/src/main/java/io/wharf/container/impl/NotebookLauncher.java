package io.wharf.container.impl;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.wharf.container.ContainerAddresses.FailureCodes;
import io.wharf.container.ContainerInfo;
import io.wharf.container.ContainerManagerOptions;
import io.wharf.container.LaunchSpec;
import io.wharf.container.NotebookProbe;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One launch from request to ready notebook: create and start, find the published port, then
 * poll the notebook until it answers. Docker calls go to worker threads; the polling itself is
 * non-blocking. Whatever fails after the container exists, the container is removed before the
 * failure is reported, so a failed launch leaves nothing behind.
 */
final class NotebookLauncher {

  private static final int LOG_LINES = 5;
  // Checking for an exited container costs a Docker call, so not on every probe.
  private static final long EXIT_CHECK_MILLIS = 1000;

  private final Vertx vertx;
  private final ContainerManagerOptions options;
  private final DockerContainers docker;
  private final NotebookProbe probe;
  private final NotebookIsolation isolation;
  private final String probeHost;

  NotebookLauncher(Vertx vertx, ContainerManagerOptions options, DockerContainers docker, NotebookProbe probe,
                   NotebookIsolation isolation) {
    this.vertx = vertx;
    this.options = options;
    this.docker = docker;
    this.probe = probe;
    this.isolation = isolation;
    this.probeHost = loopbackFor(options.publishHost());
  }

  Future<ContainerInfo> launch(LaunchSpec spec) {
    LaunchPlan plan;
    try {
      plan = LaunchPlan.of(options, spec, ThreadLocalRandom.current());
    } catch (ContainerFailure failure) {
      return Future.failedFuture(failure);
    }
    return blocking(() -> {
      // No notebook starts unless it starts isolated.
      String network = isolation.awaitReady();
      try {
        return docker.createAndStart(plan, network);
      } catch (ContainerFailure failure) {
        // The network can go between checks: a duplicate that another instance removed, or a prune.
        if (!isolation.lost(network)) {
          throw failure;
        }
        return docker.createAndStart(plan, isolation.awaitReady());
      }
    })
      .compose(id -> awaitReady(plan, id)
        .recover(failure -> blocking(() -> {
          docker.removeQuietly(id);
          return null;
        }).transform(removed -> Future.failedFuture(failure))));
  }

  private Future<ContainerInfo> awaitReady(LaunchPlan plan, String id) {
    long deadline = System.currentTimeMillis() + options.readyTimeoutMillis();
    return inspectRunning(id).compose(inspection -> {
      if (inspection.hostPort() == 0) {
        return Future.failedFuture(new ContainerFailure(FailureCodes.DOCKER_ERROR,
          "Docker did not publish port " + options.notebookPort() + " of the notebook container"));
      }
      return poll(plan, inspection, deadline, 0, "no answer yet");
    });
  }

  private Future<ContainerInfo> poll(LaunchPlan plan, DockerContainers.Inspection inspection, long deadline,
                                     long lastExitCheck, String lastAnswer) {
    return probe(inspection.hostPort(), plan).compose(status -> {
      if (status == 200) {
        return Future.succeededFuture(new ContainerInfo(inspection.id(), plan.user(), plan.server(),
          options.instanceId(), options.advertiseAddress(), inspection.hostPort(), plan.token(), true,
          inspection.createdAt(), plan.profile().recordedName()));
      }
      return retry(plan, inspection, deadline, lastExitCheck, "HTTP " + status);
    }, error -> retry(plan, inspection, deadline, lastExitCheck, lastAnswer));
  }

  private Future<ContainerInfo> retry(LaunchPlan plan, DockerContainers.Inspection inspection, long deadline,
                                      long lastExitCheck, String lastAnswer) {
    long now = System.currentTimeMillis();
    if (now >= deadline) {
      return Future.failedFuture(new ContainerFailure(FailureCodes.NOT_READY, "the notebook did not become ready within "
        + options.readyTimeoutMillis() / 1000 + " s (last answer: " + lastAnswer + ")"));
    }
    Future<?> pause = vertx.timer(Math.min(options.readyIntervalMillis(), deadline - now));
    if (now - lastExitCheck < EXIT_CHECK_MILLIS) {
      return pause.compose(v -> poll(plan, inspection, deadline, lastExitCheck, lastAnswer));
    }
    return pause
      .compose(v -> inspectRunning(inspection.id()))
      .compose(v -> poll(plan, inspection, deadline, now, lastAnswer));
  }

  /** Status of one readiness request; fails when the notebook does not answer at all. */
  private Future<Integer> probe(int port, LaunchPlan plan) {
    return probe.status(probeHost, port, plan.readyPath(), plan.token(), 2_000);
  }

  /** The container's inspection if it still runs; a NOT_READY failure with its last words otherwise. */
  private Future<DockerContainers.Inspection> inspectRunning(String id) {
    return blocking(() -> {
      DockerContainers.Inspection inspection = docker.inspect(id).orElseThrow(() ->
        new ContainerFailure(FailureCodes.NOT_READY, "the notebook container disappeared while starting"));
      if (inspection.running()) {
        return inspection;
      }
      List<String> logs = docker.tailLogs(id, LOG_LINES);
      throw new ContainerFailure(FailureCodes.NOT_READY, "the notebook exited with code " + inspection.exitCode()
        + " while starting" + (logs.isEmpty() ? "" : "; last output:\n" + String.join("\n", logs)));
    });
  }

  private <T> Future<T> blocking(Callable<T> call) {
    // Unordered: one slow Docker call must not hold up other users' launches.
    return vertx.executeBlocking(call, false);
  }

  /** A port published on every interface is probed over loopback. */
  static String loopbackFor(String publishHost) {
    return switch (publishHost) {
      case "0.0.0.0", "" -> "127.0.0.1";
      case "::", "[::]" -> "::1";
      default -> publishHost;
    };
  }
}
