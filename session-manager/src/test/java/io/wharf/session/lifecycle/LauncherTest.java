package io.wharf.session.lifecycle;

import io.vertx.core.json.JsonObject;
import io.wharf.container.LaunchSpec;
import io.wharf.session.lifecycle.StartResult.Outcome;
import io.wharf.session.testing.HubOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;

import static io.wharf.session.lifecycle.LifecycleFixture.await;
import static io.wharf.session.lifecycle.LifecycleFixture.next;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The launch line: who waits, in which order, what a full line refuses, and stops during a launch. */
class LauncherTest {

  private final LifecycleFixture fixture = new LifecycleFixture();

  @AfterEach
  void close() {
    fixture.close();
  }

  /** Launches that run until released, {@code concurrent} at a time, {@code queue} more waiting. */
  private ServerLifecycle line(int concurrent, int queue) {
    fixture.containers.holdLaunches(true);
    return fixture.lifecycle(new HubOptions().concurrentLaunches(concurrent).launchQueue(queue)).servers();
  }

  private static Outcome start(ServerLifecycle servers, String user) {
    return await(servers.ensureStarted(user, "", StartRequest.implied())).outcome();
  }

  private List<String> launched() {
    return fixture.containers.launches().stream().map(LaunchSpec::user).toList();
  }

  @Test
  void aFullLaunchLineRefuses429WithRetryAfter() {
    ServerLifecycle servers = line(1, 1);
    assertEquals(Outcome.STARTED, start(servers, "alice"));
    assertEquals(Outcome.STARTED, start(servers, "bob"));

    StartRefused refused = assertThrows(StartRefused.class, () -> start(servers, "carol"));

    assertEquals(429, refused.status());
    assertTrue(refused.retryAfterSeconds() > 0);
    assertNull(fixture.record("carol"));
    assertEquals(List.of("alice"), launched());
  }

  @Test
  void waitingLaunchesAreToldTheirPlaceAndRunInTurn() {
    ServerLifecycle servers = line(1, 2);
    BlockingQueue<JsonObject> bob = fixture.follow("bob/");
    BlockingQueue<JsonObject> carol = fixture.follow("carol/");
    for (String user : List.of("alice", "bob", "carol")) {
      assertEquals(Outcome.STARTED, start(servers, user));
    }
    assertTrue(next(bob).getString("message").contains("number 1 in line"));
    assertTrue(next(carol).getString("message").contains("number 2 in line"));
    assertEquals(List.of("alice"), launched());

    assertTrue(fixture.containers.release("alice", ""));
    assertEquals(List.of("alice", "bob"), launched());
    assertTrue(next(bob).getString("message").startsWith("Launching a container"));
    assertTrue(next(carol).getString("message").contains("number 1 in line"));

    assertTrue(fixture.containers.release("bob", ""));
    assertEquals(List.of("alice", "bob", "carol"), launched());
    assertEquals(true, next(bob).getBoolean("ready"));
    assertTrue(fixture.containers.release("carol", ""));
    assertTrue(fixture.record("carol").running());
  }

  @Test
  void aFailedLaunchFailsTheServerWithTheReasonAndTellsFollowers() {
    fixture.containers.failLaunches("No space left on device");
    ServerLifecycle servers = fixture.servers();
    BlockingQueue<JsonObject> events = fixture.follow("alice/");

    assertEquals(Outcome.STARTED, start(servers, "alice"));

    assertTrue(fixture.record("alice").failed());
    assertEquals("No space left on device", fixture.record("alice").message());
    assertTrue(next(events).getString("message").startsWith("Launching a container"));
    assertEquals(new JsonObject().put("progress", 100).put("message", "No space left on device").put("failed", true), next(events));
  }

  @Test
  void aLaunchCarriesTheOwnersAccountIdAndOneWithoutAnAccountStartsNoContainer() {
    ServerLifecycle servers = fixture.servers();
    assertEquals(Outcome.STARTED, start(servers, "alice"));
    assertEquals(List.of("account-of-alice"), fixture.containers.launches().stream().map(LaunchSpec::account).toList());

    // The account went (deleted while the start waited): no container, and no home volume, for a name without one.
    fixture.state.accounts().removeAccount("bob");
    assertEquals(Outcome.STARTED, start(servers, "bob"));
    assertTrue(fixture.record("bob").failed());
    assertEquals("There is no user bob.", fixture.record("bob").message());
    assertEquals(List.of("alice"), launched());
  }

  @Test
  void stoppingDuringALaunchStopsTheContainerWhenItArrives() {
    ServerLifecycle servers = line(1, 0);
    start(servers, "alice");

    await(servers.stop("alice", ""));
    assertNull(fixture.record("alice"));
    assertTrue(fixture.containers.release("alice", ""));

    assertNull(fixture.record("alice"));
    assertEquals(1, fixture.containers.stopped().size());
    assertEquals(Map.of(), fixture.containers.containers());
    // The launch gave its slot back.
    fixture.containers.holdLaunches(false);
    assertEquals(Outcome.STARTED, start(servers, "alice"));
    assertTrue(fixture.record("alice").running());
  }

  @Test
  void aLaunchThatFailsAfterItsServerWasStoppedLeavesNoRecord() {
    ServerLifecycle servers = line(1, 0);
    start(servers, "alice");
    await(servers.stop("alice", ""));

    assertTrue(fixture.containers.fail("alice", "", "The image could not be pulled"));

    assertNull(fixture.record("alice"), "the user stopped it: a later login starts afresh instead of showing a failure");
  }

  @Test
  void aStoppedLaunchThatFailsLeavesTheNextLaunchOfTheServerAlone() {
    ServerLifecycle servers = line(2, 0);
    start(servers, "alice");
    await(servers.stop("alice", ""));
    assertEquals(Outcome.STARTED, start(servers, "alice"));

    assertTrue(fixture.containers.fail("alice", "", "The image could not be pulled"));
    assertTrue(fixture.record("alice").pending());
    assertTrue(fixture.containers.release("alice", ""));

    assertTrue(fixture.record("alice").running());
    assertEquals(List.of(), fixture.containers.stopped());
  }

  @Test
  void stoppingAQueuedLaunchCancelsIt() {
    ServerLifecycle servers = line(1, 1);
    start(servers, "alice");
    start(servers, "bob");

    await(servers.stop("bob", ""));
    assertTrue(fixture.containers.release("alice", ""));

    assertNull(fixture.record("bob"));
    assertEquals(List.of("alice"), launched());
    assertEquals(Outcome.STARTED, start(servers, "carol"));
    assertEquals(List.of("alice", "carol"), launched());
  }
}
