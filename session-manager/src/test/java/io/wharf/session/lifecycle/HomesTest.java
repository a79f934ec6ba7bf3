package io.wharf.session.lifecycle;

import io.wharf.container.HomeVolume;
import io.wharf.container.LaunchSpec;
import io.wharf.session.store.InstanceInfo;
import io.wharf.session.testing.InMemoryCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static io.wharf.session.lifecycle.LifecycleFixture.HERE;
import static io.wharf.session.lifecycle.LifecycleFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Deleted accounts' home volumes: removed at once, or by the sweeps once their time has come. */
class HomesTest {

  private static final long HOUR = 3_600_000;

  private final LifecycleFixture fixture = new LifecycleFixture();

  @AfterEach
  void close() {
    fixture.close();
  }

  private Homes homes(long retentionMillis) {
    return new Homes(fixture.state, fixture.homeRemovals, fixture.containers, HERE, retentionMillis);
  }

  private Set<String> accountsWithHomes(String instance) {
    return fixture.containers.homes(instance).stream().map(HomeVolume::account).collect(Collectors.toSet());
  }

  private void report(String instance, String member) {
    await(fixture.state.cluster().report(new InstanceInfo(instance, "127.0.0.1", member, 0, 0, 10, 0, true,
      System.currentTimeMillis())));
  }

  @Test
  void theSweepRemovesOnlyTheHomesOfGoneAccountsWhoseTimeHasCome() {
    long now = System.currentTimeMillis();
    fixture.containers.addHome(HERE, "gone-due", "ann", "");
    fixture.containers.addHome(HERE, "gone-due", "ann", "lab");
    fixture.containers.addHome(HERE, "gone-later", "ben", "");
    fixture.containers.addHome(HERE, "never-deleted", "cy", "");
    // alice's account exists: a removal recorded against it is never carried out.
    fixture.containers.addHome(HERE, "account-of-alice", "alice", "");
    await(fixture.homeRemovals.schedule("gone-due", "ann", now - 1));
    await(fixture.homeRemovals.schedule("gone-later", "ben", now + HOUR));
    await(fixture.homeRemovals.schedule("account-of-alice", "alice", now - 1));

    await(homes(HOUR).sweep());

    assertEquals(Set.of("gone-later", "never-deleted", "account-of-alice"), accountsWithHomes(HERE));
  }

  @Test
  void withRetentionADeletionOnlyRecordsWhenTheHomesGo() {
    long before = System.currentTimeMillis();
    fixture.containers.addHome(HERE, "account-of-dave", "dave", "");
    Homes homes = homes(HOUR);
    await(homes.schedule(fixture.state.accounts().account("dave")));
    fixture.state.accounts().removeAccount("dave");
    await(homes.removeNow(fixture.state.accounts().account("erin")));
    await(homes.sweep());

    assertEquals(Set.of("account-of-dave"), accountsWithHomes(HERE), "kept for the retention period");
    long removeAt = fixture.homeRemovals.scheduled().get("account-of-dave");
    assertTrue(removeAt >= before + HOUR && removeAt <= System.currentTimeMillis() + HOUR, "an hour from the deletion");
    assertEquals(List.of(), fixture.containers.removedHomes());
  }

  @Test
  void withoutRetentionEveryLiveInstanceRemovesTheHomesAndAnUnreachableOneCatchesUpInItsSweep() {
    report(HERE, InMemoryCluster.LOCAL);
    report("other", InMemoryCluster.LOCAL);
    report("gone", "member-gone");
    fixture.containers.addHome(HERE, "account-of-erin", "erin", "");
    fixture.containers.addHome("other", "account-of-erin", "erin", "lab");
    fixture.containers.addHome("gone", "account-of-erin", "erin", "");
    fixture.containers.unreachable("other", true);
    Homes homes = homes(0);
    var erin = fixture.state.accounts().account("erin");
    await(homes.schedule(erin));
    fixture.state.accounts().removeAccount("erin");

    await(homes.removeNow(erin));
    assertEquals(Set.of(), accountsWithHomes(HERE));
    assertEquals(Set.of("account-of-erin"), accountsWithHomes("other"), "unreachable: left to its sweep");
    assertTrue(fixture.containers.removedHomes().stream().noneMatch(r -> r.startsWith("gone:")), "not a live member");

    fixture.containers.unreachable("other", false);
    await(new Homes(fixture.state, fixture.homeRemovals, fixture.containers, "other", 0).sweep());
    assertEquals(Set.of(), accountsWithHomes("other"));
  }

  @Test
  void aHomeStillInUseIsRemovedByALaterSweep() {
    report(HERE, InMemoryCluster.LOCAL);
    var frank = fixture.state.accounts().account("frank");
    // A launch that was in flight when frank was deleted: its container holds the volume a while longer.
    var container = await(fixture.containers.on(HERE).launch(new LaunchSpec("frank", "", "img", "t", "/user/frank/", "",
      frank.id())));
    Homes homes = homes(0);
    await(homes.schedule(frank));
    fixture.state.accounts().removeAccount("frank");
    await(homes.removeNow(frank));
    assertEquals(Set.of(frank.id()), accountsWithHomes(HERE), "in use, so kept");

    await(fixture.containers.on(HERE).stop(container.id()));
    await(homes.sweep());
    assertEquals(Set.of(), accountsWithHomes(HERE));
  }
}
