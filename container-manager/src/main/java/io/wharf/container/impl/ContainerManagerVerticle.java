package io.wharf.container.impl;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import io.wharf.container.ContainerAddresses;
import io.wharf.container.ContainerAddresses.FailureCodes;
import io.wharf.container.ContainerInfo;
import io.wharf.container.ContainerManagerOptions;
import io.wharf.container.HomeVolume;
import io.wharf.container.FunctionContainerOptions;
import io.wharf.container.IsolationOptions;
import io.wharf.container.LaunchSpec;
import io.wharf.container.LimitProfile;
import io.wharf.container.NotebookProbe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

/**
 * Serves the container manager's event-bus addresses for one instance (see
 * {@link ContainerAddresses}). Runs on an event loop; Docker calls go to worker threads.
 */
public final class ContainerManagerVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ContainerManagerVerticle.class);
  private static final Pattern CONTAINER_ID = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}");

  private final ContainerManagerOptions options;
  private final FunctionContainerOptions functionOptions;
  private final DockerErrorCounter dockerErrors;
  private DockerContainers docker;
  private NotebookProbe probe;
  private NotebookLauncher launcher;
  private ContainerEvents events;
  private NotebookIsolation isolation;
  private FunctionContainerService functions;
  private long isolationTimer = -1;
  // Confined to this verticle's event loop.
  private final Set<String> stopping = new HashSet<>();
  private int launching;
  private long launchingMemory;

  /** @param registry where {@code wharf_docker_errors_total} is counted; null for nowhere */
  public ContainerManagerVerticle(ContainerManagerOptions options, MeterRegistry registry) {
    this(options, null, registry);
  }

  /** @param functionOptions how function containers run; null: this instance runs none */
  public ContainerManagerVerticle(ContainerManagerOptions options, FunctionContainerOptions functionOptions, MeterRegistry registry) {
    this.options = options;
    this.functionOptions = functionOptions;
    this.dockerErrors = DockerErrorCounter.register(registry);
  }

  @Override
  public Future<?> start() {
    docker = new DockerContainers(options);
    probe = NotebookProbe.create(vertx);
    isolation = new NotebookIsolation(options, docker,
      options.isolation().firewall() == IsolationOptions.Firewall.IPTABLES ? Iptables.onHost(options.isolation()) : null);
    launcher = new NotebookLauncher(vertx, options, docker, probe, isolation);
    if (functionOptions != null) {
      functions = new FunctionContainerService(vertx, options, functionOptions, new DockerFunctions(options, functionOptions, docker.client()),
        isolation, probe, () -> docker.running(ownLabels()).size());
    }
    return isolate().compose(v -> functions == null ? Future.succeededFuture() : functions.keepLeftovers(docker)
        .onSuccess(n -> {
          if (n > 0) {
            LOG.info("kept {} function containers of an earlier run until the async calls they ran are answered", n);
          }
        }).otherwiseEmpty())
      .compose(v -> serve()).onFailure(failure -> stop());
  }

  /**
   * Fails the deployment when notebooks cannot be isolated, except while the engine does not
   * answer: a launch then tries again first.
   */
  private Future<Void> isolate() {
    if (options.isolation().firewall() == IsolationOptions.Firewall.NONE) {
      LOG.warn("containers.firewall is none: notebooks can reach this host's ports (Wharf's included) unless your own "
        + "firewall refuses traffic coming from network {}", options.network());
    }
    isolationTimer = vertx.setPeriodic(options.isolation().firewallCheckSeconds() * 1000, id -> blocking(isolation::ensure)
      .onFailure(failure -> LOG.atLevel(unavailable(failure) ? Level.DEBUG : Level.ERROR)
        .log("notebook isolation is not in place, so no notebook starts: {}", failure.getMessage())));
    return blocking(isolation::ensure).<Void>mapEmpty().recover(failure -> {
      if (!unavailable(failure)) {
        return Future.failedFuture(failure);
      }
      LOG.warn("the Docker engine does not answer; the notebook network is checked before the first launch");
      return Future.succeededFuture();
    });
  }

  private static boolean unavailable(Throwable failure) {
    return failure instanceof ContainerFailure known && known.code() == FailureCodes.DOCKER_UNAVAILABLE;
  }

  private Future<?> serve() {
    events = new ContainerEvents(vertx, docker, options, stopping::contains);
    events.start();
    EventBus bus = vertx.eventBus();
    String instance = options.instanceId();
    return Future.all(List.of(
      bus.<JsonObject>consumer(ContainerAddresses.launch(instance), this::launch).completion(),
      bus.<JsonObject>consumer(ContainerAddresses.stop(instance), this::stop).completion(),
      bus.<JsonObject>consumer(ContainerAddresses.list(instance), this::list).completion(),
      bus.<JsonObject>consumer(ContainerAddresses.ping(instance), this::ping).completion(),
      bus.<JsonObject>consumer(ContainerAddresses.load(instance), this::load).completion(),
      bus.<JsonObject>consumer(ContainerAddresses.homes(instance), this::homes).completion(),
      bus.<JsonObject>consumer(ContainerAddresses.removeHomes(instance), this::removeHomes).completion(),

      bus.<JsonObject>consumer(ContainerAddresses.launchFunction(instance), m -> reply(m, functions != null ? functions.launch(m.body())
        : Future.failedFuture(ContainerFailure.badRequest("this instance runs no function containers")))).completion(),
      bus.<JsonObject>consumer(ContainerAddresses.launchWarmFunction(instance), m -> reply(m, functions != null ? functions.launchWarm()
        : Future.failedFuture(ContainerFailure.badRequest("this instance runs no function containers")))).completion(),
      bus.<JsonObject>consumer(ContainerAddresses.claimWarmFunction(instance), m -> reply(m, functions != null ? functions.claimWarm(m.body())
        : Future.failedFuture(ContainerFailure.badRequest("this instance runs no function containers")))).completion(),
      bus.<JsonObject>consumer(ContainerAddresses.snapshot(instance), m -> reply(m, functions != null ? functions.snapshot(m.body())
        : Future.failedFuture(ContainerFailure.badRequest("this instance keeps no function snapshots")))).completion(),
      bus.<JsonObject>consumer(ContainerAddresses.functionLogs(instance), m -> reply(m, functions != null ? functions.logs(m.body(), docker)
        : Future.failedFuture(ContainerFailure.badRequest("this instance runs no function containers")))).completion(),
      bus.<JsonObject>consumer(ContainerAddresses.functionLeftovers(instance), m -> reply(m, Future.succeededFuture(functions != null
        ? functions.handOverLeftovers() : new JsonObject().put("containers", new JsonArray())))).completion()));
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(isolationTimer);
    if (events != null) {
      events.close();
    }
    if (probe == null) {
      return Future.succeededFuture();
    }
    return probe.close().eventually(() -> vertx.executeBlocking(() -> {
      docker.close();
      return null;
    }, false));
  }

  private void launch(Message<JsonObject> message) {
    if (message.body() == null) {
      reply(message, Future.failedFuture(ContainerFailure.badRequest("a launch request needs a body")));
      return;
    }
    LaunchSpec spec;
    try {
      spec = LaunchSpec.fromJson(message.body());
    } catch (ClassCastException e) {
      reply(message, Future.failedFuture(ContainerFailure.badRequest("malformed launch request: " + e.getMessage())));
      return;
    }
    long memory = options.profiles().get(spec.profile()).map(LimitProfile::memoryBytes).orElse(0L);
    // Launches in flight count against the limits too, so a burst cannot overshoot them.
    launching++;
    launchingMemory += memory;
    Future<ContainerInfo> launched = blocking(() -> loadNow()).compose(load -> {
      int running = load.getInteger("running");
      long reserved = load.getLong("memoryReserved");
      if (running + launching > options.maxContainers()) {
        return Future.failedFuture(new ContainerFailure(FailureCodes.AT_CAPACITY,
          "instance " + options.instanceId() + " is at capacity (" + running + " of " + options.maxContainers() + " servers)"));
      }
      if (options.maxMemoryBytes() > 0 && reserved + launchingMemory > options.maxMemoryBytes()) {
        return Future.failedFuture(new ContainerFailure(FailureCodes.AT_CAPACITY,
          "instance " + options.instanceId() + " is at capacity (" + (reserved >> 20) + " of "
            + (options.maxMemoryBytes() >> 20) + " MiB of memory reserved)"));
      }
      // Notebooks first: the places of unclaimed warm-pool containers (not counted above) are given up for this one.
      int needed = functionOptions == null ? 0 : Capacity.warmToRelease(running, load.getInteger("releasable"), launching,
        options.maxContainers(), reserved, load.getLong("releasableMemory"), launchingMemory, options.maxMemoryBytes(),
        functionOptions.memoryBytes());
      // A warm container claimed since the count above is no longer there to give up: then the instance is full.
      return (needed > 0 && functions != null ? functions.releaseWarm(needed) : Future.succeededFuture(0))
        .compose(released -> released < needed ? Future.failedFuture(new ContainerFailure(FailureCodes.AT_CAPACITY,
          "instance " + options.instanceId() + " is at capacity (" + options.maxContainers() + " containers)"))
          : launcher.launch(spec));
    }).onComplete(ar -> {
      launching--;
      launchingMemory -= memory;
    });
    reply(message, launched.map(ContainerInfo::toJson));
  }

  private void ping(Message<JsonObject> message) {
    reply(message, blocking(() -> new JsonObject().put("docker", true).put("version", docker.version())));
  }

  private void load(Message<JsonObject> message) {
    reply(message, blocking(this::loadNow));
  }

  /**
   * Running containers and the memory they reserve; blocking. With notebooks first, unclaimed warm-pool containers are
   * counted apart ({@code releasable}): a notebook may take their places, so placement sees them as free.
   */
  private JsonObject loadNow() {
    Set<String> releasable = functions == null ? Set.of() : functions.releasable();
    int running = 0;
    long reserved = 0;
    int warm = 0;
    long warmMemory = 0;
    for (var container : docker.running(ownLabels())) {
      long memory = LaunchPlan.memoryOf(container.getLabels(), options.defaultProfile().memoryBytes());
      if (releasable.contains(container.getId())) {
        warm++;
        warmMemory += memory;
      } else {
        running++;
        reserved += memory;
      }
    }
    return new JsonObject().put("instance", options.instanceId()).put("running", running).put("memoryReserved", reserved)
      .put("maxContainers", options.maxContainers()).put("maxMemory", options.maxMemoryBytes())
      .put("releasable", warm).put("releasableMemory", warmMemory);
  }

  private void stop(Message<JsonObject> message) {
    Object id = message.body() == null ? null : message.body().getValue("id");
    if (!(id instanceof String containerId) || !CONTAINER_ID.matcher(containerId).matches()) {
      reply(message, Future.failedFuture(ContainerFailure.badRequest("a stop request needs a container id")));
      return;
    }
    reply(message, this.<String>blocking(() -> {
      var inspection = docker.inspect(containerId);
      if (inspection.isEmpty()) {
        return null;
      }
      // The event bus is shared across the cluster, so only this instance's own containers may be stopped.
      if (!isOurs(inspection.get().labels())) {
        throw ContainerFailure.badRequest("container " + containerId + " is not managed by Wharf instance " + options.instanceId());
      }
      return inspection.get().id();
    }).compose(fullId -> {
      if (fullId == null) {
        return Future.succeededFuture(new JsonObject());
      }
      stopping.add(fullId);
      return blocking(() -> {
        docker.stopAndRemove(fullId);
        if (functions != null) {
          functions.forget(fullId);
        }
        return new JsonObject();
      }).onComplete(ar -> vertx.setTimer(5_000, t -> stopping.remove(fullId)));
    }));
  }

  private void list(Message<JsonObject> message) {
    reply(message, blocking(() -> {
      JsonArray containers = new JsonArray();
      for (String id : docker.listIds(ownLabels())) {
        // A container removed between the listing and its inspection is simply left out.
        // Function containers are no user's servers: adoption and the orphan check must not see them.
        docker.inspect(id).filter(inspection -> isOurs(inspection.labels())
            && !DockerFunctions.KIND_FUNCTION.equals(inspection.labels().get(DockerFunctions.LABEL_KIND)))
          .ifPresent(inspection -> containers.add(toInfo(inspection).toJson()));
      }
      return new JsonObject().put("containers", containers);
    }));
  }

  /** Every Wharf home volume on this engine, whichever instance made it (instances may share an engine). */
  private void homes(Message<JsonObject> message) {
    reply(message, blocking(() -> {
      JsonArray homes = new JsonArray();
      docker.volumes(Map.of(LaunchPlan.LABEL_MANAGED, "true", LaunchPlan.LABEL_ACCOUNT, "")).forEach((name, labels) ->
        homes.add(new HomeVolume(name, labels.get(LaunchPlan.LABEL_ACCOUNT), labels.getOrDefault(LaunchPlan.LABEL_OWNER, ""),
          labels.getOrDefault(LaunchPlan.LABEL_SERVER, "")).toJson()));
      return new JsonObject().put("homes", homes);
    }));
  }

  /**
   * Removes the home volumes of one account. The account id is a UUID never reused, so every
   * volume labelled with it on this engine is that account's, whichever instance made it.
   */
  private void removeHomes(Message<JsonObject> message) {
    Object account = message.body() == null ? null : message.body().getValue("account");
    if (!(account instanceof String id) || !LaunchPlan.ACCOUNT.matcher(id).matches()) {
      reply(message, Future.failedFuture(ContainerFailure.badRequest("a remove-homes request needs an account id")));
      return;
    }
    reply(message, blocking(() -> {
      JsonArray removed = new JsonArray();
      ContainerFailure failed = null;
      for (String name : docker.volumes(Map.of(LaunchPlan.LABEL_MANAGED, "true", LaunchPlan.LABEL_ACCOUNT, id)).keySet()) {
        try {
          docker.removeVolume(name);
          removed.add(name);
          LOG.info("Removed home volume {} of deleted account {}", name, id);
        } catch (ContainerFailure e) {
          failed = e;
        }
      }
      if (failed != null) {
        throw failed;
      }
      return new JsonObject().put("removed", removed);
    }));
  }

  private ContainerInfo toInfo(DockerContainers.Inspection inspection) {
    Map<String, String> labels = inspection.labels();
    return new ContainerInfo(inspection.id(),
      labels.getOrDefault(LaunchPlan.LABEL_OWNER, ""),
      labels.getOrDefault(LaunchPlan.LABEL_SERVER, ""),
      labels.getOrDefault(LaunchPlan.LABEL_INSTANCE, ""),
      options.advertiseAddress(), inspection.hostPort(), inspection.token(), inspection.running(),
      inspection.createdAt(), labels.getOrDefault(LaunchPlan.LABEL_PROFILE, ""));
  }

  private Map<String, String> ownLabels() {
    return Map.of(LaunchPlan.LABEL_MANAGED, "true", LaunchPlan.LABEL_INSTANCE, options.instanceId());
  }

  private boolean isOurs(Map<String, String> labels) {
    return ownLabels().entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
  }

  private <T> Future<T> blocking(Callable<T> call) {
    return vertx.executeBlocking(call, false);
  }

  private void reply(Message<JsonObject> message, Future<JsonObject> result) {
    result.onComplete(message::reply, failure -> {
      if (failure instanceof ContainerFailure known) {
        dockerErrors.failed(known.code());
        message.fail(known.code(), known.getMessage());
      } else {
        LOG.error("container manager request failed", failure);
        dockerErrors.failed(FailureCodes.DOCKER_ERROR);
        message.fail(FailureCodes.DOCKER_ERROR, "the container manager failed: " + failure.getMessage());
      }
    });
  }
}
