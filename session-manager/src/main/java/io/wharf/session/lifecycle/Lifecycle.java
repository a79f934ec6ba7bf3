package io.wharf.session.lifecycle;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.wharf.container.ContainerAddresses;
import io.wharf.container.ContainerManager;
import io.wharf.container.NotebookProbe;
import io.wharf.session.SessionManagerOptions;
import io.wharf.session.SharedState;
import io.wharf.session.lifecycle.ServerLifecycle.Limits;
import io.wharf.session.store.HomeRemovalRecords;
import io.wharf.session.store.UsageRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server lifecycle of one instance and its periodic duties, built at boot:
 * <ul>
 *   <li>every instance runs the leader's duties when it is the leader;</li>
 *   <li>an instance with a container manager re-adopts its containers, reports its load
 *       (every {@value #REPORT_MILLIS} ms, and at once when its engine stops or returns),
 *       removes orphaned containers, culls, and marks servers whose container died.</li>
 * </ul>
 */
public final class Lifecycle {

  private static final Logger log = LoggerFactory.getLogger(Lifecycle.class);
  static final long REPORT_MILLIS = 2_000;
  private static final long LEADER_MILLIS = 3_000;
  private static final long ORPHANS_MILLIS = 30_000;

  private final Vertx vertx;
  private final SessionManagerOptions options;
  private final ServerLifecycle servers;
  private final LeaderDuties leader;
  private final LoadReporter reporter;
  private final Culler culler;
  private final Adoption adoption;

  private Lifecycle(Vertx vertx, SessionManagerOptions options, ServerLifecycle servers, LeaderDuties leader,
                    LoadReporter reporter, Culler culler, Adoption adoption) {
    this.vertx = vertx;
    this.options = options;
    this.servers = servers;
    this.leader = leader;
    this.reporter = reporter;
    this.culler = culler;
    this.adoption = adoption;
  }

  /** @param containers the container manager of each instance; {@link #eventBus} outside tests */
  public static Lifecycle create(Vertx vertx, SharedState state, SessionManagerOptions options, ContainerManagers containers,
                                 HomeRemovalRecords homeRemovals, UsageRecords usageRecords, MeterRegistry registry) {
    Progress progress = new Progress(vertx);
    Usage usage = new Usage(usageRecords, state.accounts());
    NotebookProbe probe = NotebookProbe.create(vertx);
    Launcher launcher = new Launcher(state.servers(), state.accounts(), progress, containers, options.image(), options.concurrentLaunches(),
      options.launchQueue(), usage, registry);
    ServerLifecycle servers = new ServerLifecycle(state, options.instanceId(), containers, options.profiles(),
      new Limits(options.serversPerUser(), options.namedServersPerUser()), progress, launcher,
      new Homes(state, homeRemovals, containers, options.instanceId(), options.homeRetentionMillis()), usage);
    LeaderDuties leader = new LeaderDuties(state, progress, probe, options.lostTimeoutMillis(), options.launchTimeoutMillis() + 30_000);
    if (!options.localContainers()) {
      return new Lifecycle(vertx, options, servers, leader, null, null, null);
    }
    ContainerManager local = containers.on(options.instanceId());
    LoadReporter reporter = new LoadReporter(state, local, options.instanceId(), options.advertiseAddress());
    Gauge.builder("wharf.running.servers", reporter, LoadReporter::runningServers).strongReference(true)
      .description("Running notebook servers on this instance, as its container manager last counted them")
      .register(registry);
    Culler culler = new Culler(state, servers, probe, options.instanceId(), options.cullIdleMillis(), options.cullMaxAgeMillis(),
      registry);
    return new Lifecycle(vertx, options, servers, leader, reporter, culler, new Adoption(state, options.instanceId(), local, usage));
  }

  /** Container managers reached over the clustered event bus. */
  public static ContainerManagers eventBus(Vertx vertx, long launchTimeoutMillis) {
    return instance -> ContainerManager.client(vertx, instance, launchTimeoutMillis);
  }

  public ServerLifecycle servers() {
    return servers;
  }

  /** Re-adopts this instance's containers, reports once (so placement can use it at once), then starts the timers. */
  public Future<Void> start() {
    vertx.setPeriodic(LEADER_MILLIS, id -> leader.tick().onFailure(err -> log.debug("leader duties failed: {}", err.getMessage())));
    if (reporter == null) {
      return Future.succeededFuture();
    }
    String instance = options.instanceId();
    vertx.eventBus().<JsonObject>localConsumer(ContainerAddresses.events(), msg -> {
      if (instance.equals(msg.body().getString("instance"))) {
        servers.onContainerDied(msg.body());
      }
    });
    // The engine stopped or came back: tell placement now, not at the next report.
    vertx.eventBus().<JsonObject>localConsumer(ContainerAddresses.engine(instance), msg -> reporter.report());
    vertx.setPeriodic(REPORT_MILLIS, id -> reporter.report());
    vertx.setPeriodic(ORPHANS_MILLIS, id -> reporter.removeOrphans());
    vertx.setPeriodic(Homes.SWEEP_MILLIS, id -> sweepHomes());
    if (culler.enabled()) {
      vertx.setPeriodic(options.cullIntervalMillis(), id -> culler.cull());
    }
    return adoption.run().compose(v -> reporter.report()).onSuccess(v -> sweepHomes());
  }

  private void sweepHomes() {
    servers.homes().sweep().onFailure(err -> log.debug("the sweep of deleted accounts' homes failed: {}", err.getMessage()));
  }
}
