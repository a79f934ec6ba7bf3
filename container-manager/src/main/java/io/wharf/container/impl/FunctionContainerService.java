package io.wharf.container.impl;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wharf.container.ContainerAddresses.FailureCodes;
import io.wharf.container.ContainerInfo;
import io.wharf.container.ContainerManagerOptions;
import io.wharf.container.FunctionContainer;
import io.wharf.container.FunctionContainerOptions;
import io.wharf.container.FunctionLaunchSpec;
import io.wharf.container.NotebookProbe;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;

/**
 * The container manager's function operations: a launch waits for the runtime's {@code GET /ready}
 * (removing a container that does not get there), and counts against the instance's capacity like a
 * notebook; a snapshot copies a folder of a home. Docker calls run on worker threads.
 *
 * <p>Warm-pool containers start generic, each with a directory of its own ({@link WarmDirs}); a
 * claim links its function's snapshot into that directory and has the runtime {@code POST /load} it.
 * With notebooks first, a function container never takes the instance's last free place, and
 * unclaimed warm containers are given up for a notebook ({@link #releaseWarm}).
 */
final class FunctionContainerService {

  private record Warm(Path dir, int port, String socket) {
  }

  private record Started(String id, Path dir) {
  }

  private final Vertx vertx;
  private final ContainerManagerOptions options;
  private final DockerFunctions docker;
  private final NotebookIsolation isolation;
  private final NotebookProbe probe;
  private final IntSupplier running;
  private final String probeHost;
  private final boolean notebooksFirst;
  private final WarmDirs warmDirs;
  private final HttpClient loader;
  // Unclaimed warm containers, and claimed ones with their owner and function (no label says it): read on worker threads too.
  private final Map<String, Warm> warm = new ConcurrentHashMap<>();
  private final Map<String, FunctionLaunchSpec> claimed = new ConcurrentHashMap<>();
  // Every warm container's directory, claimed or not, removed with it.
  private final Map<String, Path> dirs = new ConcurrentHashMap<>();
  private int launching;
  /** Kept function containers of an earlier run, until handed over; on the verticle's context. */
  private final java.util.List<ContainerInfo> leftovers = new java.util.ArrayList<>();
  /** How long the function containers of an earlier run are kept for the functions role to ask for them. */
  static final long LEFTOVER_HANDOVER_MS = 600_000;

  /** @param running this instance's running containers (blocking) */
  FunctionContainerService(Vertx vertx, ContainerManagerOptions options, FunctionContainerOptions functions, DockerFunctions docker,
                           NotebookIsolation isolation, NotebookProbe probe, IntSupplier running) {
    this.vertx = vertx;
    this.options = options;
    this.docker = docker;
    this.isolation = isolation;
    this.probe = probe;
    this.running = running;
    this.probeHost = NotebookLauncher.loopbackFor(options.publishHost());
    this.notebooksFirst = functions.notebooksFirst();
    this.warmDirs = new WarmDirs(functions.warmRoot());
    this.loader = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false), new PoolOptions());
  }


  Future<JsonObject> launch(JsonObject body) {
    if (body == null) {
      return Future.failedFuture(ContainerFailure.badRequest("a launch request needs a body"));
    }
    FunctionLaunchSpec spec = FunctionLaunchSpec.fromJson(body);
    launching++;
    return blocking(() -> {
      checkCapacity();
      return docker.start(spec, isolation.awaitReady());
    }).onComplete(ar -> launching--)
      .compose(id -> blocking(() -> docker.published(id))
        .compose(published -> ready(published, 200))
        .map(published -> new ContainerInfo(id, spec.owner(), spec.function(), options.instanceId(), options.advertiseAddress(),
          published.port(), "", true, System.currentTimeMillis(), "").toJson().put(FunctionContainer.SOCKET, published.socket()))
        .recover(failure -> blocking(() -> {
          docker.remove(id);
          return null;
        }).transform(ignored -> Future.failedFuture(failure))));
  }

  /** Waits for the runtime's {@code /ready} on its published port (by then its socket is bound too). */
  private Future<DockerFunctions.Published> ready(DockerFunctions.Published published, int readyStatus) {
    if (published.port() == 0) {
      return Future.failedFuture(new ContainerFailure(FailureCodes.DOCKER_ERROR, "Docker did not publish the runtime's port"));
    }
    return awaitReady(published.port(), System.currentTimeMillis() + options.readyTimeoutMillis(), readyStatus).map(published);
  }

  /** Refuses a function container the instance has no place for (blocking). */
  private void checkCapacity() {
    if (!Capacity.functionFits(running.getAsInt(), launching, options.maxContainers(), notebooksFirst)) {
      throw new ContainerFailure(FailureCodes.AT_CAPACITY, "instance " + options.instanceId() + " is at capacity"
        + (notebooksFirst ? " for function containers (its last place is kept for a notebook)" : ""));
    }
  }

  /** Starts a generic container for the warm pool; it is unclaimed until {@link #claimWarm}. */
  Future<JsonObject> launchWarm() {
    launching++;
    return blocking(() -> {
      checkCapacity();
      Path dir = warmDirs.create();
      try {
        return new Started(docker.startWarm(dir, isolation.awaitReady()), dir);
      } catch (RuntimeException e) {
        warmDirs.delete(dir);
        throw e;
      }
    }).onComplete(ar -> launching--)
      .compose(started -> blocking(() -> docker.published(started.id()))
        .compose(published -> ready(published, 503))
        .map(published -> {
          dirs.put(started.id(), started.dir());
          warm.put(started.id(), new Warm(started.dir(), published.port(), published.socket()));
          return new ContainerInfo(started.id(), "", "", options.instanceId(), options.advertiseAddress(), published.port(), "", true,
            System.currentTimeMillis(), "").toJson().put(FunctionContainer.SOCKET, published.socket());
        })
        .recover(failure -> removeWarm(started.id(), started.dir()).transform(ignored -> Future.failedFuture(failure))));
  }

  /**
   * Gives an unclaimed warm container its function's snapshot (linked into its own directory) and has the runtime load
   * it. The container is taken out of the unclaimed ones first, so two claims, or a claim and a release, never share it;
   * a failed load removes it.
   */
  Future<JsonObject> claimWarm(JsonObject body) {
    FunctionLaunchSpec spec = body == null ? null : FunctionLaunchSpec.fromJson(body);
    String id = body == null ? null : body.getString("id");
    try {
      DockerFunctions.validate(spec == null ? new FunctionLaunchSpec(null, null, null) : spec);
    } catch (ContainerFailure e) {
      return Future.failedFuture(e);
    }
    Warm container = id == null ? null : warm.remove(id);
    if (container == null) {
      return Future.failedFuture(ContainerFailure.badRequest("no unclaimed warm container " + id + " on instance " + options.instanceId()));
    }
    claimed.put(id, spec);
    return blocking(() -> warmDirs.place(container.dir(), docker.snapshotDir(spec.version()), spec.version()))
      .compose(inside -> loader.request(new RequestOptions().setMethod(HttpMethod.POST).setHost(probeHost).setPort(container.port())
          .setURI("/load").putHeader("Content-Type", "application/json").setTimeout(options.readyTimeoutMillis()))
        .compose(request -> request.send(Buffer.buffer(new JsonObject().put("dir", inside).encode())))
        .compose(response -> response.body().map(answer -> {
          if (response.statusCode() != 200) {
            throw new ContainerFailure(FailureCodes.NOT_READY, "the function failed to load (HTTP " + response.statusCode() + ": "
              + answer.toString().substring(0, Math.min(300, answer.length())) + ")");
          }
          return new ContainerInfo(id, spec.owner(), spec.function(), options.instanceId(), options.advertiseAddress(), container.port(),
            "", true, System.currentTimeMillis(), "").toJson().put(FunctionContainer.SOCKET, container.socket());
        })))
      .recover(failure -> {
        claimed.remove(id);
        return removeWarm(id, container.dir()).transform(ignored -> Future.failedFuture(failure instanceof ContainerFailure
          ? failure : new ContainerFailure(FailureCodes.NOT_READY, "the warm container did not load the function: " + failure.getMessage())));
      });
  }

  /**
   * Removes up to {@code count} unclaimed warm containers to make room for a notebook; answers how many went. Their
   * death reaches the functions' warm pool as a function event. Without notebooks first, none.
   */
  Future<Integer> releaseWarm(int count) {
    if (!notebooksFirst || count <= 0) {
      return Future.succeededFuture(0);
    }
    List<Future<Void>> removals = new java.util.ArrayList<>();
    for (String id : List.copyOf(warm.keySet())) {
      if (removals.size() >= count) {
        break;
      }
      Warm container = warm.remove(id);
      if (container != null) {
        removals.add(removeWarm(id, container.dir()));
      }
    }
    return Future.join(removals).transform(ar -> Future.succeededFuture(removals.size()));
  }

  /** Unclaimed warm containers a notebook may take the place of (none without notebooks first); any thread. */
  java.util.Set<String> releasable() {
    return notebooksFirst ? java.util.Set.copyOf(warm.keySet()) : java.util.Set.of();
  }

  /** A function container was stopped: forgets it and removes its warm directory, if it had one (blocking). */
  void forget(String id) {
    claimed.remove(id);
    warm.remove(id);
    warmDirs.delete(dirs.remove(id));
  }

  private Future<Void> removeWarm(String id, Path dir) {
    return blocking(() -> {
      docker.remove(id);
      dirs.remove(id);
      warmDirs.delete(dir);
      return null;
    });
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
            unclaimed.forEach(info -> {
              docker.remove(info.id());
              forget(info.id());
            });
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
      int port = inspection.isPresent() ? docker.published(id).port() : 0;
      if (port == 0) {
        docker.remove(id);
        continue;
      }
      java.util.Map<String, String> labels = inspection.get().labels();
      String warmDir = labels.get(DockerFunctions.LABEL_WARM_DIR);
      if (warmDir != null) {
        dirs.put(id, warmDirs.dir(warmDir));
      }
      kept.add(new ContainerInfo(inspection.get().id(), labels.getOrDefault(LaunchPlan.LABEL_OWNER, ""),
        labels.getOrDefault(DockerFunctions.LABEL_FUNCTION, ""), options.instanceId(), options.advertiseAddress(), port, "", true,
        inspection.get().createdAt(), ""));
    }
    // A kept warm container keeps its directory (its runtime may still read its snapshot); the others' go.
    warmDirs.deleteAllBut(java.util.Set.copyOf(dirs.values()));
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
      ids = new java.util.ArrayList<>(ids);
      for (Map.Entry<String, FunctionLaunchSpec> entry : claimed.entrySet()) {
        if (owner.equals(entry.getValue().owner()) && function.equals(entry.getValue().function())) {
          ids.add(entry.getKey());
        }
      }
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

  /** @param readyStatus what {@code GET /ready} answers once the runtime is up: 200 loaded, 503 generic */
  private Future<Integer> awaitReady(int port, long deadline, int readyStatus) {
    return probe.status(probeHost, port, "/ready", "", 1_000).recover(e -> Future.succeededFuture(0)).compose(status -> {
      if (status == readyStatus) {
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
      return vertx.timer(Math.min(50, options.readyIntervalMillis())).compose(t -> awaitReady(port, deadline, readyStatus));
    });
  }

  private <T> Future<T> blocking(Callable<T> call) {
    return vertx.executeBlocking(call, false);
  }
}
