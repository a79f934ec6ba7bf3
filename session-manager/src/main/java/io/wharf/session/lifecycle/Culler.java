package io.wharf.session.lifecycle;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.wharf.container.NotebookProbe;
import io.wharf.session.ServerRecord;
import io.wharf.session.SharedState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;

/**
 * Stops this instance's servers that sat idle too long, and any older than the maximum age.
 * Idle means no request or WebSocket traffic through any router (the routers record it as
 * activity) <em>and</em> no busy kernel: a long computation with no browser attached is work,
 * not idleness, so before stopping an idle server the culler asks the notebook's
 * {@code /api/kernels} for their execution state.
 */
final class Culler {

  private static final Logger log = LoggerFactory.getLogger(Culler.class);

  private final SharedState state;
  private final ServerLifecycle lifecycle;
  private final NotebookProbe probe;
  private final String instance;
  private final long idleMillis;
  private final long maxAgeMillis;
  private final Counter culledIdle;
  private final Counter culledAge;

  /**
   * @param idleMillis   idle time after which a server is stopped; 0 turns idle culling off
   * @param maxAgeMillis age after which a server is stopped whatever it does; 0 turns it off
   */
  Culler(SharedState state, ServerLifecycle lifecycle, NotebookProbe probe, String instance, long idleMillis, long maxAgeMillis,
         MeterRegistry registry) {
    this.state = state;
    this.lifecycle = lifecycle;
    this.probe = probe;
    this.instance = instance;
    this.idleMillis = idleMillis;
    this.maxAgeMillis = maxAgeMillis;
    this.culledIdle = counter(registry, "idle");
    this.culledAge = counter(registry, "age");
  }

  private static Counter counter(MeterRegistry registry, String reason) {
    return Counter.builder("wharf.culled").tag("reason", reason).description("Servers stopped by the culler").register(registry);
  }

  boolean enabled() {
    return idleMillis > 0 || maxAgeMillis > 0;
  }

  Future<Void> cull() {
    return state.servers().serversOn(instance).compose(records -> {
      List<ServerRecord> running = records.stream().filter(ServerRecord::running).toList();
      return state.activity().activity(running.stream().map(ServerRecord::key).toList())
        .compose(activity -> Future.join(running.stream().map(s -> cull(s, activity)).toList()).mapEmpty());
    }).onFailure(err -> log.warn("culling failed: {}", err.getMessage())).mapEmpty();
  }

  private Future<Void> cull(ServerRecord record, Map<String, Long> activity) {
    long now = System.currentTimeMillis();
    if (maxAgeMillis > 0 && now - record.startedAt() > maxAgeMillis) {
      return stop(record, "older than " + maxAgeMillis / 1000 + " s", culledAge);
    }
    long last = Math.max(record.lastActivity(), activity.getOrDefault(record.key(), 0L));
    if (idleMillis <= 0 || now - last <= idleMillis) {
      return Future.succeededFuture();
    }
    return probe.busyKernels(record.host(), record.port(), record.url(), record.token()).compose(busy -> {
      if (busy > 0) {
        // Busy counts as activity, so the server is judged idle again only a whole timeout later.
        return state.activity().recordActivity(Map.of(record.key(), now));
      }
      return stop(record, "idle for " + (now - last) / 1000 + " s", culledIdle);
    }, err -> {
      // A notebook that cannot say what its kernels do is not known to be idle: leave it for now.
      log.debug("kernel state of {} unknown: {}", record.key(), err.getMessage());
      return Future.succeededFuture();
    });
  }

  private Future<Void> stop(ServerRecord record, String why, Counter counter) {
    log.info("Culling {}: {}", record.key(), why);
    return lifecycle.stop(record.user(), record.server(), Usage.CULLED).onSuccess(v -> counter.increment());
  }
}
