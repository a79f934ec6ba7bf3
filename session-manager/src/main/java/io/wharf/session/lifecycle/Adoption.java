package io.wharf.session.lifecycle;

import io.vertx.core.Future;
import io.wharf.container.ContainerInfo;
import io.wharf.container.ContainerManager;
import io.wharf.session.ServerRecord;
import io.wharf.session.SharedState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Rebuilds the records of this instance's containers after a restart: running ones become
 * RUNNING servers again unless a user stopped them meanwhile or has another server now; the
 * rest are removed. Records that point at a container that is gone are dropped.
 */
final class Adoption {

  private static final Logger log = LoggerFactory.getLogger(Adoption.class);

  private final SharedState state;
  private final String instance;
  private final ContainerManager containers;
  private final Usage usage;

  Adoption(SharedState state, String instance, ContainerManager containers, Usage usage) {
    this.usage = usage;
    this.state = state;
    this.instance = instance;
    this.containers = containers;
  }

  Future<Void> run() {
    return containers.list().compose(list -> Future.join(list.stream().map(this::adopt).toList())
      .compose(v -> dropOrphans(list)));
  }

  private Future<?> adopt(ContainerInfo info) {
    if (!info.running()) {
      return containers.stop(info.id());
    }
    String key = ServerRecord.key(info.user(), info.server());
    return state.cluster().isTombstoned(info.id()).compose(tombstoned -> state.servers().get(key).compose(existing -> {
      if (tombstoned || (existing != null && existing.containerId() != null && !existing.containerId().equals(info.id()))) {
        log.info("Removing container {} of {}: stopped or replaced while this instance was away", shortId(info), key);
        return containers.stop(info.id());
      }
      long now = System.currentTimeMillis();
      ServerRecord record = ServerRecord.adopted(info.user(), info.server(), instance, info.id(), info.host(), info.port(),
        info.token(), existing != null ? existing.startedAt() : now, now, info.profile());
      log.info("Re-adopted {} in container {}", key, shortId(info));
      // The run keeps the usage record it opened before the restart (opened here if that write was lost).
      return state.servers().put(record).compose(v -> usage.ready(record, record.startedAt()));
    }));
  }

  private Future<Void> dropOrphans(List<ContainerInfo> live) {
    return state.servers().serversOn(instance).compose(records -> Future.join(records.stream()
      .filter(s -> s.running() && live.stream().noneMatch(c -> c.running() && c.id().equals(s.containerId())))
      .map(s -> state.servers().remove(s.key()))
      .toList()))
      // Runs whose containers went while this instance was away (its engine or host restarted) end as lost.
      .compose(v -> usage.lost(instance, live.stream().filter(ContainerInfo::running).map(ContainerInfo::id).toList()));
  }

  static String shortId(ContainerInfo info) {
    return info.id().substring(0, Math.min(12, info.id().length()));
  }
}
