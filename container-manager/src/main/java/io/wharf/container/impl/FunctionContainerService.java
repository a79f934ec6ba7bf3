package io.wharf.container.impl;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wharf.container.ContainerAddresses.FailureCodes;
import io.wharf.container.ContainerInfo;
import io.wharf.container.ContainerManagerOptions;
import io.wharf.container.FunctionLaunchSpec;
import io.wharf.container.NotebookProbe;

import java.util.concurrent.Callable;
import java.util.function.IntSupplier;

/**
 * The container manager's function operations: a launch waits for the runtime's {@code GET /ready}
 * (removing a container that does not get there), and counts against the instance's capacity like a
 * notebook; a snapshot copies a folder of a home. Docker calls run on worker threads.
 */
final class FunctionContainerService {

  private final Vertx vertx;
  private final ContainerManagerOptions options;
  private final DockerFunctions docker;
  private final NotebookIsolation isolation;
  private final NotebookProbe probe;
  private final IntSupplier running;
  private final String probeHost;
  private int launching;
  /** Kept function containers of an earlier run, until handed over; on the verticle's context. */
  private final java.util.List<ContainerInfo> leftovers = new java.util.ArrayList<>();
  /** How long the function containers of an earlier run are kept for the functions role to ask for them. */
  static final long LEFTOVER_HANDOVER_MS = 600_000;

  /** @param running this instance's running containers (blocking) */
  FunctionContainerService(Vertx vertx, ContainerManagerOptions options, DockerFunctions docker, NotebookIsolation isolation,
                           NotebookProbe probe, IntSupplier running) {
    this.vertx = vertx;
    this.options = options;
    this.docker = docker;
    this.isolation = isolation;
    this.probe = probe;
    this.running = running;
    this.probeHost = NotebookLauncher.loopbackFor(options.publishHost());
  }

  Future<JsonObject> launch(JsonObject body) {
    if (body == null) {
      return Future.failedFuture(ContainerFailure.badRequest("a launch request needs a body"));
    }
    FunctionLaunchSpec spec = FunctionLaunchSpec.fromJson(body);
    launching++;
    return blocking(() -> {
      if (running.getAsInt() + launching > options.maxContainers()) {
        throw new ContainerFailure(FailureCodes.AT_CAPACITY, "instance " + options.instanceId() + " is at capacity");
      }
      return docker.start(spec, isolation.awaitReady());
    }).onComplete(ar -> launching--)
      .compose(id -> blocking(() -> docker.hostPort(id))
        .compose(port -> port == 0
          ? Future.failedFuture(new ContainerFailure(FailureCodes.DOCKER_ERROR, "Docker did not publish the runtime's port"))
          : awaitReady(port, System.currentTimeMillis() + options.readyTimeoutMillis()))
        .map(port -> new ContainerInfo(id, spec.owner(), spec.function(), options.instanceId(), options.advertiseAddress(), port, "",
          true, System.currentTimeMillis(), "").toJson())
        .recover(failure -> blocking(() -> {
          docker.remove(id);
          return null;
        }).transform(ignored -> Future.failedFuture(failure))));
  }

  /**
   * Finds this instance's function containers left by an earlier run: those still running are kept for the functions role,
   * which asks for them ({@link #handOverLeftovers}) and removes them once the async calls that run killed while they ran on
   * them have their answers; the others are removed now, and so are the kept ones not asked for within
   * {@link #LEFTOVER_HANDOVER_MS}. Gives how many were kept.
   */
  Future<Integer> keepLeftovers(DockerContainers containers) {
    return blocking(() -> runningLeftovers(containers)).map(kept -> {
      leftovers.addAll(kept);
      if (!kept.isEmpty()) {
        vertx.setTimer(LEFTOVER_HANDOVER_MS, t -> {
          java.util.List<ContainerInfo> unclaimed = java.util.List.copyOf(leftovers);
          leftovers.clear();
          blocking(() -> {
            unclaimed.forEach(info -> docker.remove(info.id()));
            return null;
          });
        });
      }
      return kept.size();
    });
  }

  /** The running function containers of this instance, after removing the stopped ones; blocking. */
  private java.util.List<ContainerInfo> runningLeftovers(DockerContainers containers) {
    java.util.List<String> ids = containers.listIds(java.util.Map.of(LaunchPlan.LABEL_MANAGED, "true",
      LaunchPlan.LABEL_INSTANCE, options.instanceId(), DockerFunctions.LABEL_KIND, DockerFunctions.KIND_FUNCTION));
    java.util.List<ContainerInfo> kept = new java.util.ArrayList<>();
    for (String id : ids) {
      var inspection = containers.inspect(id).filter(DockerContainers.Inspection::running);
      int port = inspection.isPresent() ? docker.hostPort(id) : 0;
      if (port == 0) {
        docker.remove(id);
        continue;
      }
      java.util.Map<String, String> labels = inspection.get().labels();
      kept.add(new ContainerInfo(inspection.get().id(), labels.getOrDefault(LaunchPlan.LABEL_OWNER, ""),
        labels.getOrDefault(DockerFunctions.LABEL_FUNCTION, ""), options.instanceId(), options.advertiseAddress(), port, "", true,
        inspection.get().createdAt(), ""));
    }
    return kept;
  }

  /** The function containers {@link #keepLeftovers} kept, handed over once: the asker removes them. */
  JsonObject handOverLeftovers() {
    JsonArray out = new JsonArray();
    leftovers.forEach(info -> out.add(info.toJson()));
    leftovers.clear();
    return new JsonObject().put("containers", out);
  }

  Future<JsonObject> snapshot(JsonObject body) {
    String user = body == null ? null : body.getString("user");
    String account = body == null ? null : body.getString("account");
    String path = body == null ? null : body.getString("path");
    return blocking(() -> new JsonObject().put("version", docker.snapshot(user, account, path)));
  }

  /**
   * The tail of the output of {@code owner}'s {@code function}'s containers of this instance, bounded:
   * at most {@link #MAX_LOG_CONTAINERS} containers, {@link #MAX_LOG_LINES} lines each, each line cut
   * at {@link #MAX_LOG_LINE_CHARS} characters.
   */
  Future<JsonObject> logs(JsonObject body, DockerContainers containers) {
    String owner = body == null ? null : body.getString("owner");
    String function = body == null ? null : body.getString("function");
    if (owner == null || owner.isEmpty() || function == null || function.isEmpty()) {
      return Future.failedFuture(ContainerFailure.badRequest("a logs request needs owner and function"));
    }
    int lines = logLines(body.getValue("lines"));
    return blocking(() -> {
      java.util.List<String> ids = containers.listIds(java.util.Map.of(LaunchPlan.LABEL_MANAGED, "true",
        LaunchPlan.LABEL_INSTANCE, options.instanceId(), LaunchPlan.LABEL_OWNER, owner,
        DockerFunctions.LABEL_KIND, DockerFunctions.KIND_FUNCTION, DockerFunctions.LABEL_FUNCTION, function));
      JsonArray out = new JsonArray();
      ids.stream().limit(MAX_LOG_CONTAINERS).forEach(id -> out.add(new JsonObject().put("id", id)
        .put("lines", bounded(containers.tailLogs(id, lines)))));
      return new JsonObject().put("containers", out);
    });
  }

  static final int MAX_LOG_CONTAINERS = 16;
  static final int MAX_LOG_LINES = 500;
  static final int MAX_LOG_LINE_CHARS = 2_000;

  /** The lines asked for, within 1 and {@link #MAX_LOG_LINES}; 100 when not a number. */
  static int logLines(Object asked) {
    return asked instanceof Number n ? (int) Math.max(1, Math.min(MAX_LOG_LINES, n.longValue())) : 100;
  }

  /** The last {@link #MAX_LOG_LINES} lines, each cut at {@link #MAX_LOG_LINE_CHARS} characters. */
  static JsonArray bounded(java.util.List<String> lines) {
    JsonArray out = new JsonArray();
    lines.stream().skip(Math.max(0, lines.size() - MAX_LOG_LINES))
      .forEach(line -> out.add(line.length() > MAX_LOG_LINE_CHARS ? line.substring(0, MAX_LOG_LINE_CHARS) + "…" : line));
    return out;
  }

  private Future<Integer> awaitReady(int port, long deadline) {
    return probe.status(probeHost, port, "/ready", "", 1_000).recover(e -> Future.succeededFuture(0)).compose(status -> {
      if (status == 200) {
        return Future.succeededFuture(port);
      }
      // The runtime says its snapshot failed to load: waiting longer changes nothing.
      if (status == 500) {
        return Future.failedFuture(new ContainerFailure(FailureCodes.NOT_READY,
          "the function failed to load (its main.py raised); the container's log tells why"));
      }
      if (System.currentTimeMillis() >= deadline) {
        return Future.failedFuture(new ContainerFailure(FailureCodes.NOT_READY, "the function's runtime did not become ready within "
          + options.readyTimeoutMillis() / 1000 + " s"));
      }
      return vertx.timer(Math.min(50, options.readyIntervalMillis())).compose(t -> awaitReady(port, deadline));
    });
  }

  private <T> Future<T> blocking(Callable<T> call) {
    return vertx.executeBlocking(call, false);
  }
}
