package io.wharf.session.lifecycle;

import io.wharf.container.ContainerInfo;
import io.wharf.session.ServerRecord;
import io.wharf.session.store.InstanceInfo;
import io.wharf.session.testing.HubOptions;
import io.wharf.session.testing.InMemoryCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static io.wharf.session.lifecycle.LifecycleFixture.HERE;
import static io.wharf.session.lifecycle.LifecycleFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What an instance with a container manager makes of the containers it finds when it starts. */
class AdoptionTest {

  private final LifecycleFixture fixture = new LifecycleFixture();

  @AfterEach
  void close() {
    fixture.close();
  }

  @Test
  void startReadoptsRunningContainersAndReportsTheInstance() {
    ContainerInfo alice = fixture.containers.addContainer(HERE, "alice", "", true, 1);
    ContainerInfo elsewhere = fixture.containers.addContainer("there", "bob", "", true, 1);

    await(fixture.lifecycle(new HubOptions()).start());

    ServerRecord record = fixture.record("alice");
    assertTrue(record.running());
    assertEquals(HERE, record.instance());
    assertEquals(alice.id(), record.containerId());
    assertEquals(alice.port(), record.port());
    assertEquals(alice.token(), record.token());
    assertNull(fixture.record("bob"), "another instance's container is that instance's to adopt");
    assertTrue(fixture.containers.containers().containsKey(elsewhere.id()));
    List<InstanceInfo> reports = await(fixture.state.cluster().instances());
    assertEquals(List.of(HERE), reports.stream().map(InstanceInfo::id).toList());
    assertEquals(InMemoryCluster.LOCAL, reports.get(0).member());
    assertEquals(1, reports.get(0).running());
  }

  @Test
  void removesContainersThatAreStoppedTombstonedOrReplaced() {
    ContainerInfo stopped = fixture.containers.addContainer(HERE, "alice", "", false, 1);
    ContainerInfo tombstoned = fixture.containers.addContainer(HERE, "bob", "", true, 1);
    await(fixture.state.cluster().tombstone(tombstoned.id()));
    ContainerInfo replaced = fixture.containers.addContainer(HERE, "carol", "", true, 1);
    ServerRecord carol = fixture.put(LifecycleFixture.running("carol", "there", 1, 1, 1));

    adopt();

    assertEquals(Set.of(stopped.id(), tombstoned.id(), replaced.id()), Set.copyOf(fixture.containers.stopped()));
    assertNull(fixture.record("alice"));
    assertNull(fixture.record("bob"));
    assertSame(carol, fixture.record("carol"), "her server is the one in the other container");
  }

  @Test
  void dropsRecordsOfThisInstanceWhoseContainerIsGone() {
    ContainerInfo kept = fixture.containers.addContainer(HERE, "alice", "", true, 1);
    ServerRecord alice = fixture.put(LifecycleFixture.running("alice", HERE, 1, 1, 1)
      .ready(kept.id(), kept.host(), kept.port(), 1));
    fixture.put(LifecycleFixture.running("bob", HERE, 1, 1, 1));
    ServerRecord elsewhere = fixture.put(LifecycleFixture.running("carol", "there", 1, 1, 1));
    ServerRecord launching = fixture.put(ServerRecord.pending("dave", "", HERE, "t", 1, ""));

    adopt();

    assertNull(fixture.record("bob"));
    assertEquals(alice.containerId(), fixture.record("alice").containerId());
    assertEquals(alice.startedAt(), fixture.record("alice").startedAt(), "a re-adopted server keeps its start time");
    assertSame(elsewhere, fixture.record("carol"));
    assertSame(launching, fixture.record("dave"), "a launch is not a lost container");
  }

  private void adopt() {
    await(new Adoption(fixture.state, HERE, fixture.containers.on(HERE), new Usage(fixture.usage, fixture.state.accounts())).run());
  }
}
