package io.wharf.session.lifecycle;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import io.wharf.container.LaunchSpec;
import io.wharf.session.ServerRecord;
import io.wharf.session.SharedState;
import io.wharf.session.lifecycle.StartResult.Outcome;
import io.wharf.session.store.InstanceInfo;
import io.wharf.session.store.ServerStore;
import io.wharf.session.testing.HubOptions;
import io.wharf.session.testing.InMemoryCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import static io.wharf.session.lifecycle.LifecycleFixture.HERE;
import static io.wharf.session.lifecycle.LifecycleFixture.await;
import static io.wharf.session.lifecycle.LifecycleFixture.next;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one start policy ({@link ServerLifecycle#ensureStarted}), stop, and the death of a container. */
class ServerLifecycleTest {

  private final LifecycleFixture fixture = new LifecycleFixture();

  @AfterEach
  void close() {
    fixture.close();
  }

  @Test
  void startsThatAllFindNoServerLaunchOneContainer() {
    fixture.containers.holdLaunches(true);
    ServerLifecycle servers = fixture.lifecycle(together(16), new HubOptions()).servers();

    Map<Outcome, Long> outcomes = outcomes(16, () -> servers.ensureStarted("alice", "", StartRequest.implied()));

    assertEquals(Map.of(Outcome.STARTED, 1L, Outcome.STARTING, 15L), outcomes);
    assertEquals(1, fixture.containers.launches().size());
    assertTrue(fixture.containers.release("alice", ""));
    assertTrue(fixture.record("alice").running());
  }

  @Test
  void retriesThatAllFindTheServerFailedLaunchOneContainer() {
    fixture.put(ServerRecord.pending("alice", "", HERE, "old", System.currentTimeMillis(), "").failed("it crashed"));
    fixture.containers.holdLaunches(true);
    ServerLifecycle servers = fixture.lifecycle(together(16), new HubOptions()).servers();

    Map<Outcome, Long> outcomes = outcomes(16, () -> servers.ensureStarted("alice", "", StartRequest.explicit(null)));

    assertEquals(Map.of(Outcome.STARTED, 1L, Outcome.STARTING, 15L), outcomes);
    assertEquals(1, fixture.containers.launches().size());
    assertTrue(fixture.record("alice").pending());
  }

  /** Makes {@code n} starts at once; how many saw each outcome. */
  private static Map<Outcome, Long> outcomes(int n, Supplier<Future<StartResult>> start) {
    List<Future<StartResult>> starts = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      starts.add(start.get());
    }
    return starts.stream().map(f -> await(f).outcome()).collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
  }

  /**
   * The shared state, but a read of a user's servers, and a claim, is answered only once
   * {@code callers} have asked, as when each answer is a network hop away: every start reads
   * before any claims, and every claim is made before any is answered. The closest race.
   */
  @SuppressWarnings("unchecked")
  private SharedState together(int callers) {
    Map<String, Promise<Void>> gates = new ConcurrentHashMap<>();
    Map<String, AtomicInteger> asked = new ConcurrentHashMap<>();
    ServerStore store = fixture.state.servers();
    InvocationHandler gated = (proxy, method, args) -> {
      Object answer = method.invoke(store, args);
      String name = method.getName();
      if (!name.equals("serversOf") && !name.equals("putIfAbsent")) {
        return answer;
      }
      Promise<Void> gate = gates.computeIfAbsent(name, n -> Promise.promise());
      if (asked.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet() == callers) {
        gate.complete();
      }
      return gate.future().compose(v -> (Future<Object>) answer);
    };
    SharedState state = fixture.state;
    return new SharedState((ServerStore) Proxy.newProxyInstance(ServerStore.class.getClassLoader(),
      new Class<?>[] {ServerStore.class}, gated), state.activity(), state.accounts(), state.tokens(), state.cluster(),
      state.rateLimits(), state.caches(), state.revocations(), state.groups());
  }

  @Test
  void aRunningServerIsReportedRunningAndLeftAlone() {
    ServerRecord running = fixture.put(LifecycleFixture.running("alice", HERE, 1, 1, 1));

    StartResult result = await(fixture.servers().ensureStarted("alice", "", StartRequest.explicit(null)));

    assertEquals(Outcome.RUNNING, result.outcome());
    assertSame(running, result.server());
    assertEquals(List.of(), fixture.containers.launches());
  }

  @Test
  void aServerBeingLaunchedIsReportedStarting() {
    fixture.containers.holdLaunches(true);
    ServerLifecycle servers = fixture.servers();
    assertEquals(Outcome.STARTED, await(servers.ensureStarted("alice", "", StartRequest.implied())).outcome());

    assertEquals(Outcome.STARTING, await(servers.ensureStarted("alice", "", StartRequest.explicit(null))).outcome());
    assertEquals(1, fixture.containers.launches().size());
  }

  @Test
  void aFailedServerIsLeftForALoginToShowAndRetriedByAnExplicitStart() {
    fixture.containers.failLaunches("The image could not be pulled");
    ServerLifecycle servers = fixture.servers();
    await(servers.ensureStarted("alice", "", StartRequest.implied()));
    assertTrue(fixture.record("alice").failed());
    fixture.containers.failLaunches(null);

    StartResult login = await(servers.ensureStarted("alice", "", StartRequest.implied()));
    assertEquals(Outcome.FAILED, login.outcome());
    assertEquals("The image could not be pulled", login.server().message());
    assertEquals(1, fixture.containers.launches().size());

    StartResult retry = await(servers.ensureStarted("alice", "", StartRequest.explicit(null)));
    assertEquals(Outcome.STARTED, retry.outcome());
    assertEquals(2, fixture.containers.launches().size());
    assertTrue(fixture.record("alice").running());
  }

  @Test
  void noInstanceWithRoomRefusesWithAFailedRecordThatSaysWhy() {
    report(new InstanceInfo(HERE, "127.0.0.1", InMemoryCluster.LOCAL, 3, 0, 3, 0, true, System.currentTimeMillis()));
    BlockingQueue<JsonObject> events = fixture.follow("alice/");

    StartResult result = await(fixture.servers().ensureStarted("alice", "", StartRequest.implied()));

    assertEquals(Outcome.REFUSED, result.outcome());
    assertEquals(ServerLifecycle.AT_CAPACITY, fixture.record("alice").message());
    assertTrue(fixture.record("alice").failed());
    assertEquals(true, next(events).getBoolean("failed"));
    assertEquals(List.of(), fixture.containers.launches());
  }

  @Test
  void anInstanceWhoseDockerIsDownRefusesWithThatReason() {
    report(new InstanceInfo(HERE, "127.0.0.1", InMemoryCluster.LOCAL, 0, 0, 10, 0, false, System.currentTimeMillis()));

    StartResult result = await(fixture.servers().ensureStarted("alice", "", StartRequest.implied()));

    assertEquals(Outcome.REFUSED, result.outcome());
    assertEquals(Placement.DOCKER_UNAVAILABLE, fixture.record("alice").message());
    assertEquals(List.of(), fixture.containers.launches());
  }

  private void report(InstanceInfo info) {
    await(fixture.state.cluster().report(info));
  }

  @Test
  void aUserPastTheServerLimitIsRefused400() {
    ServerLifecycle servers = fixture.lifecycle(new HubOptions().serversPerUser(2, 2)).servers();
    await(servers.ensureStarted("alice", "", StartRequest.implied()));
    await(servers.ensureStarted("alice", "one", StartRequest.implied()));

    StartRefused refused = assertThrows(StartRefused.class, () -> await(servers.ensureStarted("alice", "two", StartRequest.implied())));
    assertEquals(400, refused.status());
    assertNull(fixture.memory.server("alice", "two"));
    assertEquals(Outcome.RUNNING, await(servers.ensureStarted("alice", "one", StartRequest.implied())).outcome());
  }

  @Test
  void aUserPastTheNamedServerLimitIsRefused400ButKeepsTheDefaultServer() {
    ServerLifecycle servers = fixture.lifecycle(new HubOptions().serversPerUser(3, 1)).servers();
    await(servers.ensureStarted("alice", "one", StartRequest.implied()));

    StartRefused refused = assertThrows(StartRefused.class, () -> await(servers.ensureStarted("alice", "two", StartRequest.implied())));
    assertEquals(400, refused.status());
    assertEquals(Outcome.STARTED, await(servers.ensureStarted("alice", "", StartRequest.implied())).outcome());
  }

  @Test
  void anUnknownProfileIsRefused400() {
    StartRefused refused = assertThrows(StartRefused.class,
      () -> await(fixture.servers().ensureStarted("alice", "", StartRequest.explicit("huge"))));
    assertEquals(400, refused.status());
    assertNull(fixture.record("alice"));
  }

  @Test
  void aRestartThatNamesNoProfileKeepsTheProfileTheServerHad() {
    fixture.containers.failLaunches("out of memory");
    ServerLifecycle servers = fixture.servers();
    await(servers.ensureStarted("alice", "", StartRequest.explicit("large")));
    assertEquals("large", fixture.record("alice").profile());
    fixture.containers.failLaunches(null);

    await(servers.ensureStarted("alice", "", StartRequest.explicit(null)));

    assertEquals(List.of("large", "large"), fixture.containers.launches().stream().map(LaunchSpec::profile).toList());
    assertEquals("large", fixture.record("alice").profile());
    assertTrue(fixture.record("alice").running());
  }

  @Test
  void stoppingARunningServerStopsItsContainerAndForgetsIt() {
    ServerLifecycle servers = fixture.servers();
    await(servers.ensureStarted("alice", "", StartRequest.implied()));
    String container = fixture.record("alice").containerId();

    await(servers.stop("alice", ""));

    assertNull(fixture.record("alice"));
    assertEquals(List.of(container), fixture.containers.stopped());
    await(servers.stop("alice", ""));
  }

  @Test
  void stoppingWhileTheInstanceIsUnreachableTombstonesTheContainer() {
    fixture.put(LifecycleFixture.running("alice", "gone", 1, 1, 1));
    fixture.containers.unreachable("gone", true);

    await(fixture.servers().stop("alice", ""));

    assertNull(fixture.record("alice"));
    assertEquals(Set.of("c-alice"), fixture.memory.cluster().tombstones());
    assertEquals(List.of(), fixture.containers.stopped());
  }

  @Test
  void aDeadContainerFailsItsServerWithTheReasonAndTellsFollowers() {
    ServerLifecycle servers = fixture.servers();
    await(servers.ensureStarted("alice", "", StartRequest.implied()));
    String container = fixture.record("alice").containerId();
    BlockingQueue<JsonObject> events = fixture.follow("alice/");

    await(servers.onContainerDied(died(container, "alice", "it ran out of memory")));

    ServerRecord record = fixture.record("alice");
    assertTrue(record.failed());
    assertTrue(record.message().contains("it ran out of memory"), record.message());
    JsonObject event = next(events);
    assertTrue(Progress.isFinal(event));
    assertEquals(true, event.getBoolean("failed"));
    assertEquals(List.of(container), fixture.containers.stopped());
  }

  @Test
  void theDeathOfAnotherContainerChangesNothing() {
    ServerLifecycle servers = fixture.servers();
    await(servers.ensureStarted("alice", "", StartRequest.implied()));
    ServerRecord before = fixture.record("alice");

    await(servers.onContainerDied(died("c-old", "alice", "exited")));

    assertSame(before, fixture.record("alice"));
  }

  private static JsonObject died(String container, String user, String reason) {
    return new JsonObject().put("id", container).put("user", user).put("server", "").put("instance", HERE).put("reason", reason);
  }
}
