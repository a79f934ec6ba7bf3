package io.wharf.session.impl;

import io.wharf.session.InstanceInfo;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Chooses the instance for a new server: among live, accepting instances whose Docker answers
 * and that have room, the one with the largest free share of its capacity. Server counts come
 * from the session map (they include launches still pending, which load reports lag behind).
 */
final class Placement {

  /** Reports older than this are from an instance that stopped reporting: not a candidate. */
  static final long STALE_MILLIS = 15_000;

  private Placement() {
  }

  static Optional<InstanceInfo> choose(List<InstanceInfo> reports, Set<String> liveMembers, Set<String> draining,
                                       Map<String, Integer> serversPerInstance, long now) {
    return reports.stream()
      .filter(i -> liveMembers.contains(i.member()))
      .filter(i -> !draining.contains(i.id()))
      .filter(InstanceInfo::dockerUp)
      .filter(i -> now - i.reportedAt() <= STALE_MILLIS)
      .filter(i -> free(i, serversPerInstance.getOrDefault(i.id(), 0)) > 0)
      .max(Comparator.<InstanceInfo>comparingDouble(i -> free(i, serversPerInstance.getOrDefault(i.id(), 0)))
        .thenComparing(i -> -serversPerInstance.getOrDefault(i.id(), 0))
        .thenComparing(InstanceInfo::id, Comparator.reverseOrder()));
  }

  /** Free share of an instance's capacity, 0 to 1: the tighter of containers and memory. */
  static double free(InstanceInfo info, int servers) {
    int count = Math.max(servers, info.running());
    double containers = info.maxContainers() <= 0 ? 1.0 : 1.0 - (double) count / info.maxContainers();
    double memory = info.maxMemory() <= 0 ? 1.0 : 1.0 - (double) info.memoryReserved() / info.maxMemory();
    return Math.max(0.0, Math.min(containers, memory));
  }
}
