package io.wharf.session.impl;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.wharf.container.ContainerAddresses;
import io.wharf.container.ContainerInfo;
import io.wharf.container.ContainerManager;
import io.wharf.session.InstanceInfo;
import io.wharf.session.Session;
import io.wharf.session.SharedState;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The periodic work that keeps shared state true:
 * <ul>
 *   <li>every instance with a container manager reports its load (every {@value #REPORT_MILLIS} ms);</li>
 *   <li>every such instance removes its containers that no session knows (abandoned launches,
 *       servers stopped while it was down), once they are old enough not to be launches in flight;</li>
 *   <li>the leader (the oldest member) fails launches that never finished, and marks servers
 *       lost whose instance is gone and whose container no longer answers.</li>
 * </ul>
 */
public final class ClusterDuties {

  private static final Logger log = Logger.getLogger(ClusterDuties.class.getName());
  static final long REPORT_MILLIS = 2_000;
  private static final long LEADER_MILLIS = 3_000;
  private static final long RECONCILE_MILLIS = 30_000;
  private static final long ORPHAN_AGE_MILLIS = 120_000;

  private final Vertx vertx;
  private final SharedState state;
  private final ContainerManager local;
  private final String instance;
  private final String address;
  private final long lostAfterMillis;
  private final long pendingTimeoutMillis;
  private final HttpClient probe;
  private final Map<String, Long> unreachableSince = new HashMap<>();
  // Read by the wharf_running_servers gauge on another thread.
  private volatile JsonObject lastLoad = new JsonObject();

  public ClusterDuties(Vertx vertx, SharedState state, ContainerManager local, String instance, String address,
                       long lostAfterMillis, long pendingTimeoutMillis) {
    this.vertx = vertx;
    this.state = state;
    this.local = local;
    this.instance = instance;
    this.address = address;
    this.lostAfterMillis = lostAfterMillis;
    this.pendingTimeoutMillis = pendingTimeoutMillis;
    this.probe = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(2_000).setIdleTimeout(5).setKeepAlive(false));
  }

  /** Reports once (so placement can use this instance at once), then starts the timers. */
  public Future<Void> start() {
    vertx.setPeriodic(LEADER_MILLIS, id -> leaderTick().onFailure(err -> log.fine("leader duties failed: " + err.getMessage())));
    if (local == null) {
      return Future.succeededFuture();
    }
    vertx.setPeriodic(REPORT_MILLIS, id -> report());
    // The engine stopped or came back: tell placement now, not at the next report.
    vertx.eventBus().<JsonObject>localConsumer(ContainerAddresses.engine(instance), msg -> report());
    vertx.setPeriodic(RECONCILE_MILLIS, id -> reconcile());
    return report();
  }

  Future<Void> report() {
    return local.ping().map(true).otherwise(false).compose(dockerUp -> local.load()
      .onSuccess(load -> lastLoad = load)
      .otherwise(err -> lastLoad)
      .compose(load -> state.report(new InstanceInfo(instance, address, state.localMember(),
        load.getInteger("running", 0), load.getLong("memoryReserved", 0L),
        load.getInteger("maxContainers", 0), load.getLong("maxMemory", 0L), dockerUp, System.currentTimeMillis()))))
      .onFailure(err -> log.fine("load report failed: " + err.getMessage()));
  }

  /** Running servers on this instance at the last load report; the last known count while Docker does not answer. */
  public int runningServers() {
    return lastLoad.getInteger("running", 0);
  }

  private void reconcile() {
    local.list().onSuccess(containers -> containers.forEach(this::reconcile));
  }

  private void reconcile(ContainerInfo container) {
    long age = System.currentTimeMillis() - container.createdAt();
    state.isTombstoned(container.id()).compose(tombstoned -> state.get(Session.key(container.user(), container.server()))
      .map(session -> tombstoned || (age > ORPHAN_AGE_MILLIS
        && (session == null || !container.id().equals(session.containerId()) || !container.running()))))
      .onSuccess(orphan -> {
        if (orphan) {
          log.info("Removing container " + container.id().substring(0, 12) + " of " + container.user() + ": no server uses it");
          local.stop(container.id());
        }
      });
  }

  /**
   * Looks at the launches under way and at the servers of instances that are gone, and only at
   * those: indexed lookups, so the leader's work does not grow with the number of sessions.
   * An instance reports before it launches anything, so every server's instance has a report.
   */
  Future<Void> leaderTick() {
    if (!state.isLeader()) {
      unreachableSince.clear();
      return Future.succeededFuture();
    }
    return state.instances().compose(reports -> {
      Map<String, InstanceInfo> byId = new HashMap<>();
      reports.forEach(r -> byId.put(r.id(), r));
      java.util.Set<String> live = state.liveMembers();
      List<Future<List<Session>>> lookups = new java.util.ArrayList<>();
      lookups.add(state.sessionsIn(Session.State.PENDING));
      reports.stream().filter(r -> !live.contains(r.member())).forEach(r -> lookups.add(state.sessionsOn(r.id())));
      return Future.all(lookups).map(all -> {
        List<Session> sessions = lookups.stream().flatMap(f -> f.result().stream()).toList();
        // Servers no longer looked at (their instance came back, or they were stopped) start afresh.
        unreachableSince.keySet().retainAll(sessions.stream().map(Session::key).collect(java.util.stream.Collectors.toSet()));
        check(sessions, byId, live);
        return null;
      });
    });
  }

  private void check(List<Session> sessions, Map<String, InstanceInfo> instances, java.util.Set<String> live) {
    long now = System.currentTimeMillis();
    for (Session session : sessions) {
      // A launch waiting in line refreshes lastActivity at each move, so only a stuck one times out.
      if (session.state() == Session.State.PENDING && now - Math.max(session.startedAt(), session.lastActivity()) > pendingTimeoutMillis) {
        fail(session, "The server did not start in time. Try again.");
        continue;
      }
      if (!session.running()) {
        continue;
      }
      InstanceInfo owner = instances.get(session.instance());
      if (owner != null && live.contains(owner.member())) {
        unreachableSince.remove(session.key());
        continue;
      }
      probe(session).onComplete(ar -> {
        if (ar.succeeded()) {
          unreachableSince.remove(session.key());
        } else {
          long since = unreachableSince.computeIfAbsent(session.key(), k -> now);
          if (now - since >= lostAfterMillis) {
            unreachableSince.remove(session.key());
            fail(session, "The server was lost: instance " + session.instance() + " is gone and the server no longer answers. Start a new one.");
          }
        }
      });
    }
  }

  private Future<Integer> probe(Session session) {
    return probe.request(new RequestOptions().setMethod(HttpMethod.GET).setHost(session.host()).setPort(session.port())
        .setURI(session.url() + "api/status").putHeader("Authorization", "token " + session.token()).setTimeout(2_000))
      .compose(request -> request.send())
      .compose(response -> response.body().map(response.statusCode()));
  }

  private void fail(Session session, String reason) {
    Session failed = session.failed(reason);
    state.replace(session, failed).onSuccess(replaced -> {
      if (replaced) {
        log.info(session.key() + ": " + reason);
        vertx.eventBus().publish(ServerLifecycle.progressAddress(session.key()), ServerLifecycle.progressEvent(failed));
      }
    });
  }
}
