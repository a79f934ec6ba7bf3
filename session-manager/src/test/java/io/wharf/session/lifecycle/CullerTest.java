package io.wharf.session.lifecycle;

import io.wharf.container.NotebookProbe;
import io.wharf.session.ServerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.wharf.session.lifecycle.LifecycleFixture.HERE;
import static io.wharf.session.lifecycle.LifecycleFixture.await;
import static io.wharf.session.lifecycle.LifecycleFixture.running;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which of this instance's servers the culler stops, asking their notebooks about kernels. */
class CullerTest {

  private static final long IDLE = 60_000;

  private final LifecycleFixture fixture = new LifecycleFixture();
  private final NotebookStub notebooks = NotebookStub.start(fixture.vertx);
  private final long now = System.currentTimeMillis();
  private final long longAgo = now - 2 * IDLE;

  @AfterEach
  void close() {
    fixture.close();
  }

  private void cull(long idleMillis, long maxAgeMillis) {
    Culler culler = new Culler(fixture.state, fixture.servers(), NotebookProbe.create(fixture.vertx), HERE, idleMillis,
      maxAgeMillis, fixture.registry);
    await(culler.cull());
  }

  /** A server of {@code user} on {@code instance} started and last used long ago. */
  private ServerRecord idle(String user, String instance) {
    return fixture.put(running(user, instance, notebooks.port(), longAgo, longAgo));
  }

  private double culled(String reason) {
    return fixture.registry.get("wharf.culled").tag("reason", reason).counter().count();
  }

  @Test
  void anIdleServerWithNoBusyKernelIsStopped() {
    notebooks.kernels("alice", "idle").kernels("bob", "idle");
    idle("alice", HERE);
    ServerRecord elsewhere = idle("bob", "there");

    cull(IDLE, 0);

    assertNull(fixture.record("alice"));
    assertEquals(List.of("c-alice"), fixture.containers.stopped());
    assertEquals(1.0, culled("idle"));
    assertEquals(0.0, culled("age"));
    assertSame(elsewhere, fixture.record("bob"), "another instance culls its own servers");
    assertEquals(0, notebooks.requests("bob"));
  }

  @Test
  void aBusyKernelKeepsAnIdleServerAndCountsAsActivity() {
    notebooks.kernels("alice", "idle", "busy");
    ServerRecord alice = idle("alice", HERE);

    cull(IDLE, 0);

    assertSame(alice, fixture.record("alice"));
    assertTrue(fixture.memory.activityMap().get("alice/") >= now, "the busy kernel was recorded as activity now");
    assertEquals(List.of(), fixture.containers.stopped());
    assertEquals(0.0, culled("idle"));
  }

  @Test
  void aServerPastTheMaximumAgeIsStoppedEvenIfBusy() {
    notebooks.kernels("alice", "busy");
    fixture.put(running("alice", HERE, notebooks.port(), longAgo, now));

    cull(IDLE, IDLE);

    assertNull(fixture.record("alice"));
    assertEquals(List.of("c-alice"), fixture.containers.stopped());
    assertEquals(1.0, culled("age"));
    assertEquals(0.0, culled("idle"));
  }

  @Test
  void aNotebookThatCannotSayWhatItsKernelsDoIsLeftRunning() {
    notebooks.status("alice", 500).silent("bob");
    ServerRecord alice = idle("alice", HERE);
    ServerRecord bob = idle("bob", HERE);

    cull(IDLE, 0);

    assertEquals(1, notebooks.requests("alice"));
    assertEquals(1, notebooks.requests("bob"));
    assertSame(alice, fixture.record("alice"));
    assertSame(bob, fixture.record("bob"));
    assertEquals(List.of(), fixture.containers.stopped());
    assertEquals(0.0, culled("idle"));
  }

  @Test
  void recentActivitySeenByTheRoutersKeepsAServer() {
    notebooks.kernels("alice", "idle");
    ServerRecord alice = idle("alice", HERE);
    await(fixture.state.activity().recordActivity(Map.of("alice/", now - IDLE / 2)));

    cull(IDLE, 0);

    assertSame(alice, fixture.record("alice"));
    assertEquals(0, notebooks.requests("alice"), "an active server's kernels are not even asked about");
    assertEquals(List.of(), fixture.containers.stopped());
  }
}
