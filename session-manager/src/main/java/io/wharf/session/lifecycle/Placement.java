package io.wharf.session.lifecycle;

import io.wharf.session.store.InstanceInfo;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Chooses the instance for a new server: among live, accepting instances whose Docker answers
 * and that have room (a server, and the memory its limit profile reserves), the one with the
 * largest free share of its capacity. Server counts come
 * from the session map (they include launches still pending, which load reports lag behind).
 * When none qualifies, it says why: Docker, when every instance that could otherwise take the
 * server has an engine that does not answer; capacity otherwise.
 */
final class Placement {

  /** Reports older than this are from an instance that stopped reporting: not a candidate. */
  static final long STALE_MILLIS = 15_000;

  static final String DOCKER_UNAVAILABLE =
    "Docker engine unavailable: no server can be started right now. Try again in a minute.";

  /** Where a new server goes: an instance id, or (instance null) the reason a user reads. */
  record Decision(String instance, String refusal) {
  }

  private Placement() {
  }

  static Decision decide(List<InstanceInfo> reports, Set<String> liveMembers, Set<String> draining,
                         Map<String, Integer> serversPerInstance, long memory, long now) {
    return choose(reports, liveMembers, draining, serversPerInstance, memory, now)
      .map(chosen -> new Decision(chosen.id(), null))
      .orElseGet(() -> new Decision(null, dockerIsWhy(reports, liveMembers, draining, now)
        ? DOCKER_UNAVAILABLE : ServerLifecycle.AT_CAPACITY));
  }

  /** Whether there are instances that would be candidates but for Docker, and all of them lack it. */
  static boolean dockerIsWhy(List<InstanceInfo> reports, Set<String> liveMembers, Set<String> draining, long now) {
    List<InstanceInfo> usable = reports.stream()
      .filter(i -> liveMembers.contains(i.member()))
      .filter(i -> !draining.contains(i.id()))
      .filter(i -> now - i.reportedAt() <= STALE_MILLIS)
      .toList();
    return !usable.isEmpty() && usable.stream().noneMatch(InstanceInfo::dockerUp);
  }

  static Optional<InstanceInfo> choose(List<InstanceInfo> reports, Set<String> liveMembers, Set<String> draining,
                                       Map<String, Integer> serversPerInstance, long memory, long now) {
    return reports.stream()
      .filter(i -> liveMembers.contains(i.member()))
      .filter(i -> !draining.contains(i.id()))
      .filter(InstanceInfo::dockerUp)
      .filter(i -> now - i.reportedAt() <= STALE_MILLIS)
      .filter(i -> free(i, serversPerInstance.getOrDefault(i.id(), 0)) > 0)
      .filter(i -> i.maxMemory() <= 0 || i.memoryReserved() + memory <= i.maxMemory())
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
