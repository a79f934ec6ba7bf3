package io.wharf.session.lifecycle;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.wharf.container.ContainerInfo;
import io.wharf.container.ContainerManager;
import io.wharf.session.ServerRecord;
import io.wharf.session.SharedState;
import io.wharf.session.store.InstanceInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The duties of an instance with a container manager: report its load for placement, and
 * remove its containers that no server uses (abandoned launches, servers stopped while it was
 * down) once they are old enough not to be launches in flight.
 */
final class LoadReporter {

  private static final Logger log = LoggerFactory.getLogger(LoadReporter.class);
  private static final long ORPHAN_AGE_MILLIS = 120_000;

  private final SharedState state;
  private final ContainerManager local;
  private final String instance;
  private final String address;
  // Read by the wharf_running_servers gauge on another thread.
  private volatile JsonObject lastLoad = new JsonObject();

  LoadReporter(SharedState state, ContainerManager local, String instance, String address) {
    this.state = state;
    this.local = local;
    this.instance = instance;
    this.address = address;
  }

  Future<Void> report() {
    return local.ping().map(true).otherwise(false).compose(dockerUp -> local.load()
      .onSuccess(load -> lastLoad = load)
      .otherwise(err -> lastLoad)
      .compose(load -> state.cluster().report(new InstanceInfo(instance, address, state.cluster().localMember(),
        load.getInteger("running", 0), load.getLong("memoryReserved", 0L),
        load.getInteger("maxContainers", 0), load.getLong("maxMemory", 0L), dockerUp, System.currentTimeMillis()))))
      .onFailure(err -> log.debug("load report failed: {}", err.getMessage()));
  }

  /** Running servers on this instance at the last load report; the last known count while Docker does not answer. */
  int runningServers() {
    return lastLoad.getInteger("running", 0);
  }

  void removeOrphans() {
    local.list().onSuccess(containers -> containers.forEach(this::removeIfOrphan));
  }

  private void removeIfOrphan(ContainerInfo container) {
    long age = System.currentTimeMillis() - container.createdAt();
    state.cluster().isTombstoned(container.id())
      .compose(tombstoned -> state.servers().get(ServerRecord.key(container.user(), container.server()))
        .map(record -> tombstoned || (age > ORPHAN_AGE_MILLIS
          && (record == null || !container.id().equals(record.containerId()) || !container.running()))))
      .onSuccess(orphan -> {
        if (orphan) {
          log.info("Removing container {} of {}: no server uses it", Adoption.shortId(container), container.user());
          local.stop(container.id());
        }
      });
  }
}
