package io.wharf.session.lifecycle;

import io.wharf.session.store.InstanceInfo;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlacementTest {

  private static final long NOW = 1_000_000;
  private static final long GIB = 1L << 30;

  private static InstanceInfo info(String id, int running, int max) {
    return new InstanceInfo(id, "127.0.0.1", "m-" + id, running, 0, max, 0, true, NOW);
  }

  private static final Set<String> LIVE = Set.of("m-a", "m-b", "m-c");

  @Test
  void choosesTheInstanceWithTheMostFreeCapacity() {
    List<InstanceInfo> reports = List.of(info("a", 0, 10), info("b", 0, 10), info("c", 0, 40));
    Map<String, Integer> servers = Map.of("a", 2, "b", 1, "c", 10);
    assertEquals("b", Placement.choose(reports, LIVE, Set.of(), servers, GIB, NOW).orElseThrow().id());
  }

  @Test
  void spreadsUsersOverEmptyInstances() {
    List<InstanceInfo> reports = List.of(info("a", 0, 10), info("b", 0, 10), info("c", 0, 10));
    assertEquals("a", Placement.choose(reports, LIVE, Set.of(), Map.of(), GIB, NOW).orElseThrow().id());
    assertEquals("b", Placement.choose(reports, LIVE, Set.of(), Map.of("a", 1), GIB, NOW).orElseThrow().id());
    assertEquals("c", Placement.choose(reports, LIVE, Set.of(), Map.of("a", 1, "b", 1), GIB, NOW).orElseThrow().id());
  }

  @Test
  void skipsDrainingDeadStaleAndDockerlessInstances() {
    List<InstanceInfo> reports = List.of(
      info("a", 0, 10),
      new InstanceInfo("b", "x", "m-b", 0, 0, 10, 0, false, NOW),
      new InstanceInfo("c", "x", "m-c", 0, 0, 10, 0, true, NOW - Placement.STALE_MILLIS - 1),
      new InstanceInfo("d", "x", "m-gone", 0, 0, 10, 0, true, NOW));
    assertTrue(Placement.choose(reports, LIVE, Set.of("a"), Map.of(), GIB, NOW).isEmpty());
    assertEquals("a", Placement.choose(reports, LIVE, Set.of(), Map.of(), GIB, NOW).orElseThrow().id());
  }

  @Test
  void fullInstancesAreNotCandidates() {
    List<InstanceInfo> reports = List.of(info("a", 2, 2), info("b", 0, 1));
    assertTrue(Placement.choose(reports, LIVE, Set.of(), Map.of("b", 1), GIB, NOW).isEmpty());
    InstanceInfo memoryFull = new InstanceInfo("c", "x", "m-c", 1, 1024, 10, 1024, true, NOW);
    assertEquals(0.0, Placement.free(memoryFull, 1));
  }

  @Test
  void dockerIsTheReasonOnlyWhenItRulesOutEveryUsableInstance() {
    InstanceInfo aDown = new InstanceInfo("a", "x", "m-a", 0, 0, 10, 0, false, NOW);
    InstanceInfo bDown = new InstanceInfo("b", "x", "m-b", 0, 0, 10, 0, false, NOW);
    Placement.Decision down = Placement.decide(List.of(aDown, bDown), LIVE, Set.of(), Map.of(), GIB, NOW);
    assertNull(down.instance());
    assertEquals(Placement.DOCKER_UNAVAILABLE, down.refusal());

    // Another instance has Docker but no room: capacity is why, not Docker.
    Placement.Decision full = Placement.decide(List.of(aDown, info("b", 1, 1)), LIVE, Set.of(), Map.of("b", 1), GIB, NOW);
    assertNull(full.instance());
    assertEquals(ServerLifecycle.AT_CAPACITY, full.refusal());

    // Draining, departed and silent instances do not count either way.
    InstanceInfo cStale = new InstanceInfo("c", "x", "m-c", 0, 0, 10, 0, true, NOW - Placement.STALE_MILLIS - 1);
    InstanceInfo gone = new InstanceInfo("d", "x", "m-gone", 0, 0, 10, 0, true, NOW);
    assertEquals(Placement.DOCKER_UNAVAILABLE,
      Placement.decide(List.of(aDown, info("b", 0, 10), cStale, gone), LIVE, Set.of("b"), Map.of(), GIB, NOW).refusal());
    assertEquals(ServerLifecycle.AT_CAPACITY,
      Placement.decide(List.of(info("b", 0, 10)), LIVE, Set.of("b"), Map.of(), GIB, NOW).refusal());
  }

  @Test
  void aChosenInstanceCarriesNoRefusal() {
    InstanceInfo aDown = new InstanceInfo("a", "x", "m-a", 0, 0, 10, 0, false, NOW);
    Placement.Decision decision = Placement.decide(List.of(aDown, info("b", 0, 10)), LIVE, Set.of(), Map.of(), GIB, NOW);
    assertEquals("b", decision.instance());
    assertNull(decision.refusal());
  }

  @Test
  void anInstanceWithoutRoomForTheProfilesMemoryIsNotACandidate() {
    // a: 4 of 16 GiB reserved; b: none of 2 GiB. b has the larger free share, but a 4 GiB server fits only on a.
    InstanceInfo a = new InstanceInfo("a", "x", "m-a", 1, 4 * GIB, 10, 16 * GIB, true, NOW);
    InstanceInfo b = new InstanceInfo("b", "x", "m-b", 0, 0, 10, 2 * GIB, true, NOW);
    assertEquals("b", Placement.choose(List.of(a, b), LIVE, Set.of(), Map.of(), GIB, NOW).orElseThrow().id());
    assertEquals("a", Placement.choose(List.of(a, b), LIVE, Set.of(), Map.of(), 4 * GIB, NOW).orElseThrow().id());
    assertEquals(ServerLifecycle.AT_CAPACITY, Placement.decide(List.of(a, b), LIVE, Set.of(), Map.of(), 16 * GIB, NOW).refusal());
  }
}
