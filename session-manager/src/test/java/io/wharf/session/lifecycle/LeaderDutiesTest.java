package io.wharf.session.lifecycle;

import io.vertx.core.json.JsonObject;
import io.wharf.container.NotebookProbe;
import io.wharf.session.ServerRecord;
import io.wharf.session.store.InstanceInfo;
import io.wharf.session.testing.InMemoryCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.BlockingQueue;

import static io.wharf.session.lifecycle.LifecycleFixture.HERE;
import static io.wharf.session.lifecycle.LifecycleFixture.await;
import static io.wharf.session.lifecycle.LifecycleFixture.next;
import static io.wharf.session.lifecycle.LifecycleFixture.running;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The leader's duties: servers of a gone instance that no longer answer are lost, launches that
 * never finished fail, and only the leader does either.
 */
class LeaderDutiesTest {

  private static final long PENDING_TIMEOUT = 60_000;
  private static final String GONE = "gone";

  private final LifecycleFixture fixture = new LifecycleFixture();
  private final NotebookStub notebooks = NotebookStub.start(fixture.vertx);
  private final long now = System.currentTimeMillis();

  @BeforeEach
  void instances() {
    // Instance "here" runs on this (live) member; instance "gone" reported from a member that left.
    await(fixture.state.cluster().report(new InstanceInfo(HERE, "127.0.0.1", InMemoryCluster.LOCAL, 0, 0, 10, 0, true, now)));
    await(fixture.state.cluster().report(new InstanceInfo(GONE, "127.0.0.1", "member-gone", 0, 0, 10, 0, true, now)));
  }

  @AfterEach
  void close() {
    fixture.close();
  }

  /** One round of the leader's duties, servers lost as soon as they do not answer. */
  private void tick() {
    await(new LeaderDuties(fixture.state, new Progress(fixture.vertx), NotebookProbe.create(fixture.vertx), 0, PENDING_TIMEOUT)
      .tick());
  }

  private ServerRecord server(String user, String instance) {
    return fixture.put(running(user, instance, notebooks.port(), now, now));
  }

  @Test
  void marksLostTheServersOfAGoneInstanceThatNoLongerAnswer() throws InterruptedException {
    notebooks.silent("alice").status("bob", 200).silent("carol");
    server("alice", GONE);
    ServerRecord bob = server("bob", GONE);
    ServerRecord carol = server("carol", HERE);
    BlockingQueue<JsonObject> alice = fixture.follow("alice/");

    tick();

    assertEquals(true, next(alice).getBoolean("failed"));
    ServerRecord lost = fixture.record("alice");
    assertTrue(lost.failed());
    assertTrue(lost.message().contains("instance gone is gone"), lost.message());
    settle();
    assertEquals(1, notebooks.requests("bob"));
    assertSame(bob, fixture.record("bob"), "its notebook still answers");
    assertEquals(0, notebooks.requests("carol"), "its instance is alive: not even probed");
    assertSame(carol, fixture.record("carol"));
  }

  @Test
  void failsLaunchesThatNeverFinished() {
    long longAgo = now - 2 * PENDING_TIMEOUT;
    fixture.put(ServerRecord.pending("dave", "", HERE, "t", longAgo, ""));
    ServerRecord fresh = fixture.put(ServerRecord.pending("erin", "", HERE, "t", now, ""));
    ServerRecord waiting = fixture.put(ServerRecord.pending("frank", "", GONE, "t", longAgo, "")
      .progressed(10, "Waiting for a free launch slot: number 1 in line", now));
    BlockingQueue<JsonObject> dave = fixture.follow("dave/");

    tick();

    assertTrue(fixture.record("dave").failed());
    assertTrue(fixture.record("dave").message().contains("did not start in time"));
    assertEquals(true, next(dave).getBoolean("failed"));
    assertSame(fresh, fixture.record("erin"));
    assertSame(waiting, fixture.record("frank"), "a launch that moves up the line is alive");
  }

  @Test
  void aMemberThatDoesNotLeadDoesNothing() throws InterruptedException {
    fixture.memory.cluster().leader("member-other");
    notebooks.silent("alice");
    ServerRecord alice = server("alice", GONE);
    ServerRecord stale = fixture.put(ServerRecord.pending("dave", "", HERE, "t", now - 2 * PENDING_TIMEOUT, ""));

    tick();

    assertSame(stale, fixture.record("dave"));
    settle();
    assertEquals(0, notebooks.requests("alice"));
    assertSame(alice, fixture.record("alice"));
  }

  /**
   * Gives probes in flight time to land. The duties do not say when their probes are done, and a
   * server they keep shows no change to wait for.
   */
  private static void settle() throws InterruptedException {
    Thread.sleep(100);
  }
}
