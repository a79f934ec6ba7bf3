package io.wharf.session.lifecycle;

import io.vertx.core.Future;
import io.wharf.container.NotebookProbe;
import io.wharf.session.ServerRecord;
import io.wharf.session.SharedState;
import io.wharf.session.store.InstanceInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What the leader (the oldest member) does every few seconds: fail launches that never
 * finished, and mark lost the servers whose instance is gone and whose container no longer
 * answers. It looks only at those (indexed lookups), so its work does not grow with the number
 * of servers. An instance reports before it launches anything, so every server's instance has
 * a report.
 */
final class LeaderDuties {

  private static final Logger log = LoggerFactory.getLogger(LeaderDuties.class);

  private final SharedState state;
  private final Progress progress;
  private final NotebookProbe probe;
  private final long lostAfterMillis;
  private final long pendingTimeoutMillis;
  private final Map<String, Long> unreachableSince = new HashMap<>();

  LeaderDuties(SharedState state, Progress progress, NotebookProbe probe, long lostAfterMillis, long pendingTimeoutMillis) {
    this.state = state;
    this.progress = progress;
    this.probe = probe;
    this.lostAfterMillis = lostAfterMillis;
    this.pendingTimeoutMillis = pendingTimeoutMillis;
  }

  Future<Void> tick() {
    if (!state.cluster().isLeader()) {
      unreachableSince.clear();
      return Future.succeededFuture();
    }
    return state.cluster().instances().compose(reports -> {
      Map<String, InstanceInfo> byId = new HashMap<>();
      reports.forEach(r -> byId.put(r.id(), r));
      Set<String> live = state.cluster().liveMembers();
      List<Future<List<ServerRecord>>> lookups = new ArrayList<>();
      lookups.add(state.servers().serversIn(ServerRecord.State.PENDING));
      reports.stream().filter(r -> !live.contains(r.member())).forEach(r -> lookups.add(state.servers().serversOn(r.id())));
      return Future.all(lookups).map(all -> {
        List<ServerRecord> records = lookups.stream().flatMap(f -> f.result().stream()).toList();
        // Servers no longer looked at (their instance came back, or they were stopped) start afresh.
        unreachableSince.keySet().retainAll(records.stream().map(ServerRecord::key).collect(Collectors.toSet()));
        check(records, byId, live);
        return null;
      });
    });
  }

  private void check(List<ServerRecord> records, Map<String, InstanceInfo> instances, Set<String> live) {
    long now = System.currentTimeMillis();
    for (ServerRecord record : records) {
      // A launch waiting in line refreshes lastActivity at each move, so only a stuck one times out.
      if (record.pending() && now - Math.max(record.startedAt(), record.lastActivity()) > pendingTimeoutMillis) {
        fail(record, "The server did not start in time. Try again.");
        continue;
      }
      if (!record.running()) {
        continue;
      }
      InstanceInfo owner = instances.get(record.instance());
      if (owner != null && live.contains(owner.member())) {
        unreachableSince.remove(record.key());
        continue;
      }
      probe.status(record.host(), record.port(), record.url() + "api/status", record.token(), 2_000).onComplete(ar -> {
        if (ar.succeeded()) {
          unreachableSince.remove(record.key());
        } else {
          long since = unreachableSince.computeIfAbsent(record.key(), k -> now);
          if (now - since >= lostAfterMillis) {
            unreachableSince.remove(record.key());
            fail(record, "The server was lost: instance " + record.instance()
              + " is gone and the server no longer answers. Start a new one.");
          }
        }
      });
    }
  }

  private void fail(ServerRecord record, String reason) {
    ServerRecord failed = record.failed(reason);
    state.servers().replace(record, failed).onSuccess(replaced -> {
      if (replaced) {
        log.info("{}: {}", record.key(), reason);
        progress.publish(failed);
      }
    });
  }
}
