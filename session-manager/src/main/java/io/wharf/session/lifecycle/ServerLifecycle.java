package io.wharf.session.lifecycle;

import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.wharf.container.LimitProfile;
import io.wharf.container.LimitProfiles;
import io.wharf.session.Secrets;
import io.wharf.session.ServerRecord;
import io.wharf.session.SharedState;
import io.wharf.session.lifecycle.StartResult.Outcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Starts and stops users' servers. The server record is the single source of truth: a start
 * claims the key with a PENDING record (so concurrent logins launch one container), on the
 * instance placement chose, and every step is published as {@link Progress}.
 *
 * <p>{@link #ensureStarted} is the one start policy: login, the API, the pending page and the
 * claim race all go through it, and differ only in the {@link StartRequest} they pass.
 */
public final class ServerLifecycle {

  private static final Logger log = LoggerFactory.getLogger(ServerLifecycle.class);

  static final String AT_CAPACITY = "Every instance is at capacity right now. Try again in a few minutes.";

  private final SharedState state;
  private final String instance;
  private final ContainerManagers containers;
  private final LimitProfiles profiles;
  private final Limits limits;
  private final Progress progress;
  private final Launcher launcher;
  private final Homes homes;
  private final Usage usage;

  /**
   * @param serversPerUser      servers (default and named, in any state) one user may have
   * @param namedServersPerUser named servers one user may have
   */
  public record Limits(int serversPerUser, int namedServersPerUser) {
  }

  ServerLifecycle(SharedState state, String instance, ContainerManagers containers, LimitProfiles profiles, Limits limits,
                  Progress progress, Launcher launcher, Homes homes, Usage usage) {
    this.usage = usage;
    this.state = state;
    this.instance = instance;
    this.containers = containers;
    this.profiles = profiles;
    this.limits = limits;
    this.progress = progress;
    this.launcher = launcher;
    this.homes = homes;
  }

  /** Deleted accounts' home volumes. */
  public Homes homes() {
    return homes;
  }

  /** The usage records of server runs. */
  public Usage usage() {
    return usage;
  }

  /** The limit profiles servers may be started with. */
  public LimitProfiles profiles() {
    return profiles;
  }

  /**
   * Starts {@code user}'s server {@code server} unless it runs, is starting, or (unless the
   * request retries) has failed. Completes with what it found or did; fails with
   * {@link StartRefused} for a full launch line, a per-user limit or an unknown profile.
   */
  public Future<StartResult> ensureStarted(String user, String server, StartRequest request) {
    return state.servers().serversOf(user).compose(all -> {
      ServerRecord current = all.stream().filter(s -> s.server().equals(server)).findFirst().orElse(null);
      Outcome existing = current == null ? null : standing(current, request);
      if (existing != null) {
        return Future.succeededFuture(new StartResult(current, existing));
      }
      if (!launcher.hasRoom()) {
        return Future.failedFuture(StartRefused.queueFull());
      }
      if (current == null) {
        checkLimits(user, server, all);
      }
      String name = request.profile() != null ? request.profile() : current != null ? current.profile() : "";
      LimitProfile profile = profiles.get(name).orElse(request.profile() != null ? null : profiles.defaultProfile());
      if (profile == null) {
        throw new StartRefused(400, "there is no limit profile '" + request.profile() + "'");
      }
      return place(profile.memoryBytes()).compose(target -> claim(user, server, target, profile, request));
    });
  }

  /** What an existing record means for a start; null when a launch should begin. */
  private static Outcome standing(ServerRecord current, StartRequest request) {
    if (current.running()) {
      return Outcome.RUNNING;
    }
    if (current.pending()) {
      return Outcome.STARTING;
    }
    return request.retryFailed() ? null : Outcome.FAILED;
  }

  private void checkLimits(String user, String server, List<ServerRecord> all) {
    if (all.size() >= limits.serversPerUser()) {
      throw new StartRefused(400, user + " already has the maximum of " + limits.serversPerUser() + " servers");
    }
    long named = all.stream().filter(s -> !s.server().isEmpty()).count();
    if (!server.isEmpty() && named >= limits.namedServersPerUser()) {
      throw new StartRefused(400, "User " + user + " already has the maximum of " + limits.namedServersPerUser() + " named servers");
    }
  }

  /** Claims the key with a PENDING record (or a FAILED one saying why no instance can take it). */
  private Future<StartResult> claim(String user, String server, Placement.Decision target, LimitProfile profile,
                                    StartRequest request) {
    long now = System.currentTimeMillis();
    String token = Secrets.randomHex(24);
    ServerRecord claim = target.instance() != null
      ? ServerRecord.pending(user, server, target.instance(), token, now, profile.recordedName())
      : ServerRecord.pending(user, server, instance, token, now, profile.recordedName()).failed(target.refusal());
    return state.servers().putIfAbsent(claim).compose(existing -> {
      if (existing == null) {
        return begin(claim);
      }
      Outcome standing = standing(existing, request);
      if (standing != null) {
        // Another request claimed it first.
        return Future.succeededFuture(new StartResult(existing, standing));
      }
      return state.servers().replace(existing, claim).compose(replaced -> replaced ? begin(claim) : raced(claim.key(), request));
    });
  }

  /** Another request changed the record between our read and our write: report what it made of it. */
  private Future<StartResult> raced(String key, StartRequest request) {
    return state.servers().get(key).map(record -> {
      if (record == null) {
        throw new StartRefused(409, "The server was stopped while it was being started. Try again.");
      }
      Outcome standing = standing(record, request);
      return new StartResult(record, standing != null ? standing : Outcome.FAILED);
    });
  }

  private Future<StartResult> begin(ServerRecord claim) {
    if (claim.failed()) {
      log.info("Not starting {}: {}", claim.key(), claim.message());
      progress.publish(claim);
      return Future.succeededFuture(new StartResult(claim, Outcome.REFUSED));
    }
    return launcher.submit(claim).map(record -> new StartResult(record, record.failed() ? Outcome.REFUSED : Outcome.STARTED));
  }

  /** Where a new server goes, given the instances' reports and the servers they hold. */
  private Future<Placement.Decision> place(long memory) {
    return state.cluster().instances().compose(reports -> {
      if (reports.isEmpty()) {
        return Future.succeededFuture(new Placement.Decision(instance, null));
      }
      Map<String, Integer> counts = new HashMap<>();
      List<Future<Integer>> lookups = reports.stream()
        .map(r -> state.servers().countOn(r.id()).onSuccess(n -> counts.put(r.id(), n))).toList();
      return Future.all(lookups).compose(v -> state.cluster().draining()).map(draining ->
        Placement.decide(reports, state.cluster().liveMembers(), draining, counts, memory, System.currentTimeMillis()));
    });
  }

  /**
   * Stops the server and forgets it; succeeds when there was nothing to stop. When its instance
   * cannot be reached, the container is remembered (tombstoned) so that the instance removes it
   * instead of re-adopting it when it returns.
   */
  public Future<Void> stop(String user, String server) {
    return stop(user, server, Usage.STOPPED);
  }

  /** {@link #stop(String, String)}, recording {@code reason} (a {@link Usage} constant) as why its run ended. */
  public Future<Void> stop(String user, String server, String reason) {
    String key = ServerRecord.key(user, server);
    launcher.cancel(key);
    return state.servers().get(key).compose(record -> {
      if (record == null) {
        return Future.succeededFuture();
      }
      if (record.containerId() == null) {
        return state.servers().remove(key);
      }
      return containers.on(record.instance()).stop(record.containerId())
        .recover(err -> unreachable(err) ? state.cluster().tombstone(record.containerId()) : Future.failedFuture(err))
        .compose(v -> state.servers().remove(key))
        .compose(v -> usage.ended(record, reason));
    });
  }

  private static boolean unreachable(Throwable err) {
    return err instanceof ReplyException reply
      && (reply.failureType() == ReplyFailure.NO_HANDLERS || reply.failureType() == ReplyFailure.TIMEOUT);
  }

  /** A container of this instance died (Docker's event): its server is marked failed, and the user sees why. */
  public Future<Void> onContainerDied(JsonObject event) {
    String key = ServerRecord.key(event.getString("user"), event.getString("server", ""));
    return state.servers().get(key).compose(record -> {
      Future<Void> marked = Future.succeededFuture();
      if (record != null && event.getString("id").equals(record.containerId()) && record.running()) {
        ServerRecord failed = record.failed("Your server stopped: " + event.getString("reason", "its container exited"));
        marked = state.servers().replace(record, failed).map(replaced -> {
          if (replaced) {
            progress.publish(failed);
            usage.ended(record, Usage.DIED);
          }
          return null;
        });
      }
      return marked.compose(v -> containers.on(instance).stop(event.getString("id")));
    });
  }
}
