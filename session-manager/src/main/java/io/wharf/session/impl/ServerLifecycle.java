package io.wharf.session.impl;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.wharf.container.ContainerInfo;
import io.wharf.container.ContainerManager;
import io.wharf.container.LaunchSpec;
import io.wharf.container.LimitProfile;
import io.wharf.container.LimitProfiles;
import io.wharf.session.InstanceInfo;
import io.wharf.session.Session;
import io.wharf.session.SharedState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Starts, stops and re-adopts users' servers. The session record is the single source of truth:
 * a start claims the key with a PENDING record (so concurrent logins launch one container),
 * places it on the instance with the most free capacity, and every step publishes a progress
 * event at {@link #progressAddress(String)}.
 */
public final class ServerLifecycle {

  private static final Logger log = Logger.getLogger(ServerLifecycle.class.getName());
  static final String AT_CAPACITY = "Every instance is at capacity right now. Try again in a few minutes.";

  private final Vertx vertx;
  private final SharedState state;
  private final String instance;
  private final Function<String, ContainerManager> containerManagers;
  private final String image;
  private final LimitProfiles profiles;
  private final Limits limits;
  private final SpawnQueue queue;
  private final Timer spawnSucceeded;
  private final Timer spawnFailed;
  private final SecureRandom random = new SecureRandom();

  /**
   * @param concurrentLaunches launches this instance runs at once
   * @param queueBound         launches that may wait for a slot before new ones are refused
   * @param serversPerUser     servers (default and named, in any state) one user may have
   * @param namedServersPerUser named servers one user may have
   */
  public record Limits(int concurrentLaunches, int queueBound, int serversPerUser, int namedServersPerUser) {
  }

  /** A start refused because the launch line is full: answer 429 with Retry-After. */
  public static final class QueueFull extends RuntimeException {
    QueueFull() {
      super("Too many servers are starting right now. Try again in a minute.", null, false, false);
    }
  }

  /** A start refused by a per-user limit: answer 400, as JupyterHub does. */
  public static final class LimitReached extends RuntimeException {
    LimitReached(String message) {
      super(message, null, false, false);
    }
  }

  public ServerLifecycle(Vertx vertx, SharedState state, String instance,
                         Function<String, ContainerManager> containerManagers, String image, LimitProfiles profiles,
                         Limits limits, MeterRegistry registry) {
    this.vertx = vertx;
    this.state = state;
    this.instance = instance;
    this.containerManagers = containerManagers;
    this.image = image;
    this.profiles = profiles;
    this.limits = limits;
    this.queue = new SpawnQueue(limits.concurrentLaunches(), limits.queueBound(), this::queued);
    Gauge.builder("wharf.spawn.queue.length", queue, SpawnQueue::waiting)
      .description("Server launches waiting for a free launch slot on this instance").register(registry);
    this.spawnSucceeded = spawnTimer(registry, "success");
    this.spawnFailed = spawnTimer(registry, "failure");
  }

  private static Timer spawnTimer(MeterRegistry registry, String outcome) {
    return Timer.builder("wharf.spawn.duration").tag("outcome", outcome)
      .description("From the start request to a ready notebook, or to the failure")
      .publishPercentileHistogram()
      .register(registry);
  }

  /** Event-bus address where progress of the server {@code key} is published as JSON. */
  public static String progressAddress(String key) {
    return "wharf.progress." + key;
  }

  /** Progress event in the shape of JupyterHub's progress API. */
  public static JsonObject progressEvent(Session session) {
    JsonObject event = new JsonObject().put("progress", session.progress()).put("message", session.message());
    if (session.state() == Session.State.RUNNING) {
      event.put("ready", true).put("url", session.url());
    } else if (session.state() == Session.State.FAILED) {
      event.put("failed", true);
    }
    return event;
  }

  /** The limit profiles servers may be started with. */
  public LimitProfiles profiles() {
    return profiles;
  }

  /** Starts the server with the profile it had last, if it failed, or else the default one. */
  public Future<Session> start(String user, String server) {
    return start(user, server, null);
  }

  /**
   * Starts the server unless it runs or is starting; completes at once with the current record,
   * which is FAILED (with {@link #AT_CAPACITY}, or {@link Placement#DOCKER_UNAVAILABLE}) when no instance can take it.
   *
   * @param profile limit profile, already checked against the caller's rights; null for the one
   *                a failed server had (a restart), or else the default
   */
  public Future<Session> start(String user, String server, String profile) {
    if (!queue.hasRoom()) {
      return Future.failedFuture(new QueueFull());
    }
    return withinUserLimits(user, server).compose(previous -> {
      LimitProfile chosen = profile != null
        ? profiles.get(profile).orElse(null)
        : profiles.get(previous == null ? "" : previous.profile()).orElse(profiles.defaultProfile());
      if (chosen == null) {
        return Future.failedFuture(new LimitReached("there is no limit profile '" + profile + "'"));
      }
      return place(chosen.memoryBytes()).compose(target -> claim(user, server, target, chosen));
    });
  }

  /** Claims the server's key with a PENDING record (or a FAILED one saying why it cannot start). */
  private Future<Session> claim(String user, String server, Placement.Decision target, LimitProfile profile) {
    long now = System.currentTimeMillis();
    Session pending = target.instance() != null
      ? Session.pending(user, server, target.instance(), newToken(), now, profile.recordedName())
      : Session.pending(user, server, instance, newToken(), now, profile.recordedName()).failed(target.refusal());
    return state.putIfAbsent(pending).compose(existing -> {
      if (existing == null) {
        return begin(pending);
      }
      if (existing.state() == Session.State.FAILED) {
        return state.replace(existing, pending).compose(replaced -> replaced ? begin(pending) : state.get(pending.key()));
      }
      return Future.succeededFuture(existing);
    });
  }

  /** Checks the per-user limits; completes with the server's current record, if any. */
  private Future<Session> withinUserLimits(String user, String server) {
    return state.sessionsOf(user).compose(sessions -> {
      Session current = sessions.stream().filter(s -> s.server().equals(server)).findFirst().orElse(null);
      boolean exists = current != null;
      long named = sessions.stream().filter(s -> !s.server().isEmpty()).count();
      if (!exists && sessions.size() >= limits.serversPerUser()) {
        return Future.failedFuture(new LimitReached(user + " already has the maximum of " + limits.serversPerUser() + " servers"));
      }
      if (!exists && !server.isEmpty() && named >= limits.namedServersPerUser()) {
        return Future.failedFuture(new LimitReached(
          "User " + user + " already has the maximum of " + limits.namedServersPerUser() + " named servers"));
      }
      return Future.succeededFuture(current);
    });
  }

  private Future<Session> begin(Session pending) {
    if (pending.state() != Session.State.PENDING) {
      publish(pending);
    } else if (!queue.submit(pending.key(), () -> launch(pending))) {
      // The line filled up between the check in start() and now.
      Session refused = pending.failed(new QueueFull().getMessage());
      return state.put(refused).onComplete(v -> publish(refused)).map(refused);
    }
    return Future.succeededFuture(pending);
  }

  /** A waiting launch's place in line changed: tell whoever watches its progress. */
  private void queued(String key, int position) {
    state.get(key).onSuccess(session -> {
      if (session != null && session.state() == Session.State.PENDING && session.containerId() == null) {
        Session waiting = session.progressed(10, "Waiting for a free launch slot: number " + position + " in line",
          System.currentTimeMillis());
        state.replace(session, waiting).onSuccess(replaced -> {
          if (replaced) {
            publish(waiting);
          }
        });
      }
    });
  }

  /** The instance for a new server, or empty when every instance is full, draining or down. */
  private Future<Placement.Decision> place(long memory) {
    return state.instances().compose(reports -> {
      if (reports.isEmpty()) {
        return Future.succeededFuture(new Placement.Decision(instance, null));
      }
      Map<String, Integer> counts = new HashMap<>();
      List<Future<Integer>> lookups = reports.stream()
        .map(r -> state.countOn(r.id()).onSuccess(n -> counts.put(r.id(), n))).toList();
      return Future.all(lookups).compose(v -> state.draining()).map(draining ->
        Placement.decide(reports, state.liveMembers(), draining, counts, memory, System.currentTimeMillis()));
    });
  }

  private void launch(Session pending) {
    Session launching = pending.progressed(30, "Launching a container on " + pending.instance(), System.currentTimeMillis());
    state.put(launching).onSuccess(v -> publish(launching));
    LaunchSpec spec = new LaunchSpec(pending.user(), pending.server(), image, pending.token(), pending.url(), pending.profile());
    containerManagers.apply(pending.instance()).launch(spec)
      .onComplete(ar -> {
        queue.done();
        (ar.succeeded() ? spawnSucceeded : spawnFailed)
          .record(System.currentTimeMillis() - pending.startedAt(), java.util.concurrent.TimeUnit.MILLISECONDS);
      })
      .onSuccess(info -> onLaunched(pending, info))
      .onFailure(err -> {
        String reason = err instanceof ReplyException reply && reply.failureType() == ReplyFailure.RECIPIENT_FAILURE
          ? err.getMessage() : "The launch failed: " + err.getMessage();
        log.warning("Launch of " + pending.key() + " failed: " + reason);
        Session failed = launching.failed(reason);
        state.put(failed).onComplete(v -> publish(failed));
      });
  }

  private void onLaunched(Session pending, ContainerInfo info) {
    Session ready = pending.ready(info.id(), info.host(), info.port(), System.currentTimeMillis());
    state.get(pending.key()).compose(current -> {
      if (current == null || !pending.token().equals(current.token())) {
        // Stopped or replaced while launching: this container belongs to nobody.
        return containerManagers.apply(pending.instance()).stop(info.id());
      }
      return state.put(ready).onSuccess(v -> publish(ready));
    }).onFailure(err -> log.log(Level.WARNING, "Could not record " + pending.key() + " as ready", err));
  }

  /**
   * Stops the server and forgets it; succeeds when there was nothing to stop. When its instance
   * cannot be reached, the container is remembered (tombstoned) so that the instance removes it
   * instead of re-adopting it when it returns.
   */
  public Future<Void> stop(String user, String server) {
    String key = Session.key(user, server);
    queue.cancel(key);
    return state.get(key).compose(session -> {
      if (session == null) {
        return Future.succeededFuture();
      }
      if (session.containerId() == null) {
        return state.remove(key);
      }
      return containerManagers.apply(session.instance()).stop(session.containerId())
        .recover(err -> unreachable(err) ? state.tombstone(session.containerId()) : Future.failedFuture(err))
        .compose(v -> state.remove(key));
    });
  }

  private static boolean unreachable(Throwable err) {
    return err instanceof ReplyException reply
      && (reply.failureType() == ReplyFailure.NO_HANDLERS || reply.failureType() == ReplyFailure.TIMEOUT);
  }

  /** A container died (Docker's event): its server is stopped, and the user sees why. */
  public void onContainerDied(JsonObject event) {
    String key = Session.key(event.getString("user"), event.getString("server", ""));
    state.get(key).onSuccess(session -> {
      if (session != null && event.getString("id").equals(session.containerId()) && session.running()) {
        Session failed = session.failed("Your server stopped: " + event.getString("reason", "its container exited"));
        state.replace(session, failed).onSuccess(replaced -> {
          if (replaced) {
            publish(failed);
          }
        });
      }
      containerManagers.apply(instance).stop(event.getString("id"));
    });
  }

  /**
   * Rebuilds the records of this instance's containers after a restart: running ones become
   * RUNNING sessions again unless a user stopped them meanwhile or has another server now;
   * the rest are removed. Records that point at a container that is gone are dropped.
   */
  public Future<Void> adopt() {
    ContainerManager containers = containerManagers.apply(instance);
    return containers.list().compose(list -> Future.join(list.stream().map(info -> adopt(containers, info)).toList())
      .compose(v -> dropOrphans(list)));
  }

  private Future<?> adopt(ContainerManager containers, ContainerInfo info) {
    if (!info.running()) {
      return containers.stop(info.id());
    }
    String key = Session.key(info.user(), info.server());
    return state.isTombstoned(info.id()).compose(tombstoned -> state.get(key).compose(existing -> {
      if (tombstoned || (existing != null && existing.containerId() != null && !existing.containerId().equals(info.id()))) {
        log.info("Removing container " + info.id().substring(0, 12) + " of " + key + ": stopped or replaced while this instance was away");
        return containers.stop(info.id());
      }
      long now = System.currentTimeMillis();
      Session session = new Session(info.user(), info.server(), Session.State.RUNNING, instance, info.id(), info.host(),
        info.port(), info.token(), existing != null ? existing.startedAt() : now, now, 100, "Server ready", info.profile());
      log.info("Re-adopted " + key + " in container " + info.id().substring(0, 12));
      return state.put(session);
    }));
  }

  private Future<Void> dropOrphans(List<ContainerInfo> live) {
    return state.sessionsOn(instance).compose(sessions -> Future.join(sessions.stream()
      .filter(s -> s.running() && live.stream().noneMatch(c -> c.running() && c.id().equals(s.containerId())))
      .map(s -> state.remove(s.key()))
      .toList())).mapEmpty();
  }

  private void publish(Session session) {
    vertx.eventBus().publish(progressAddress(session.key()), progressEvent(session));
  }

  private String newToken() {
    byte[] bytes = new byte[24];
    random.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
