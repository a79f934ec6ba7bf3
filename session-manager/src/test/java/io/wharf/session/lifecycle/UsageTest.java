package io.wharf.session.lifecycle;

import io.vertx.core.json.JsonObject;
import io.wharf.container.ContainerInfo;
import io.wharf.container.NotebookProbe;
import io.wharf.session.ServerRecord;
import io.wharf.session.store.UsageRun;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Predicate;

import static io.wharf.session.lifecycle.LifecycleFixture.HERE;
import static io.wharf.session.lifecycle.LifecycleFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The usage records the lifecycle writes: a run opens when its server is ready and closes with why it stopped. */
class UsageTest {

  private final LifecycleFixture fixture = new LifecycleFixture();

  @AfterEach
  void close() {
    fixture.close();
  }

  /** The recorded runs, once {@code until} holds of them (the writes follow the lifecycle step). */
  private List<UsageRun> runsWhen(Predicate<List<UsageRun>> until) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 5_000;
    while (!until.test(fixture.usage.all()) && System.currentTimeMillis() < deadline) {
      Thread.sleep(10);
    }
    return fixture.usage.all();
  }

  private ServerRecord started(ServerLifecycle servers, String user) throws InterruptedException {
    await(servers.ensureStarted(user, "", StartRequest.implied()));
    runsWhen(runs -> runs.size() == 1);
    return fixture.record(user);
  }

  @Test
  void aServerThatBecameReadyAndWasStoppedHasOneClosedRunSayingStopped() throws Exception {
    ServerLifecycle servers = fixture.servers();
    long before = System.currentTimeMillis();
    ServerRecord record = started(servers, "alice");
    UsageRun open = fixture.usage.all().get(0);
    assertTrue(open.open(), "open while it runs");
    assertEquals("account-of-alice", open.accountId());
    assertEquals(record.containerId(), open.containerId());
    assertEquals(HERE, open.instance());
    assertTrue(open.startedAt() >= before);

    await(servers.stop("alice", ""));

    List<UsageRun> runs = runsWhen(all -> !all.get(0).open());
    assertEquals(1, runs.size());
    assertEquals("stopped", runs.get(0).reason());
    assertTrue(runs.get(0).stoppedAt() >= open.startedAt());
    assertEquals("alice", runs.get(0).user());
  }

  @Test
  void aCulledServersRunSaysCulled() throws Exception {
    ServerLifecycle servers = fixture.servers();
    started(servers, "bob");
    Thread.sleep(5);

    await(new Culler(fixture.state, servers, NotebookProbe.create(fixture.vertx), HERE, 0, 1, fixture.registry).cull());

    List<UsageRun> runs = runsWhen(all -> !all.get(0).open());
    assertEquals("culled", runs.get(0).reason());
  }

  @Test
  void aServerWhoseContainerDiedHasItsRunClosedAsDiedAndALaterStopChangesNothing() throws Exception {
    ServerLifecycle servers = fixture.servers();
    ServerRecord record = started(servers, "carol");

    await(servers.onContainerDied(new JsonObject().put("id", record.containerId()).put("user", "carol").put("server", "")
      .put("instance", HERE).put("reason", "it ran out of memory")));
    List<UsageRun> runs = runsWhen(all -> !all.get(0).open());
    assertEquals("died", runs.get(0).reason());
    long stopped = runs.get(0).stoppedAt();

    await(servers.stop("carol", ""));
    assertEquals(List.of(runs.get(0)), fixture.usage.all(), "stopping the failed server closes nothing again");
    assertEquals(stopped, fixture.usage.all().get(0).stoppedAt());
  }

  @Test
  void adoptionKeepsTheOpenRunOfAContainerItFindsAndClosesAsLostOneWhoseContainerIsGone() throws Exception {
    ContainerInfo kept = fixture.containers.addContainer(HERE, "alice", "", true, 1);
    await(fixture.usage.opened(new UsageRun("account-of-alice", "alice", "", "", HERE, kept.id(), 100, 0, null)));
    await(fixture.usage.opened(new UsageRun("account-of-bob", "bob", "", "", HERE, "c-gone", 200, 0, null)));
    await(fixture.usage.opened(new UsageRun("account-of-dave", "dave", "", "", "there", "c-there", 300, 0, null)));

    await(new Adoption(fixture.state, HERE, fixture.containers.on(HERE), new Usage(fixture.usage, fixture.state.accounts())).run());

    List<UsageRun> runs = fixture.usage.all();
    assertEquals(3, runs.size(), "the re-adopted run keeps its row");
    assertTrue(runs.get(0).open());
    assertEquals(100, runs.get(0).startedAt());
    assertEquals("lost", runs.get(1).reason());
    assertTrue(runs.get(2).open(), "another instance's runs are that instance's to judge");
  }

  @Test
  void aStopWhileTheRunsOpenIsStillBeingWrittenClosesTheRunOnceItIsWritten() {
    fixture.state.accounts().saveAccount(new io.wharf.session.store.Account("account-of-fay", "fay", false, null, 0));
    io.vertx.core.Promise<Void> slowOpen = io.vertx.core.Promise.promise();
    List<String> writes = new java.util.ArrayList<>();
    io.wharf.session.testing.InMemoryUsage stored = new io.wharf.session.testing.InMemoryUsage();
    io.wharf.session.store.UsageRecords records = new io.wharf.session.store.UsageRecords() {
      @Override
      public io.vertx.core.Future<Void> opened(UsageRun run) {
        return slowOpen.future().compose(v -> stored.opened(run)).onSuccess(v -> writes.add("opened"));
      }

      @Override
      public io.vertx.core.Future<Void> closed(String account, String server, String container, long at, String reason) {
        writes.add("closed");
        return stored.closed(account, server, container, at, reason);
      }

      @Override
      public io.vertx.core.Future<Integer> closeLost(String instance, java.util.Collection<String> live, long at) {
        return stored.closeLost(instance, live, at);
      }

      @Override
      public io.vertx.core.Future<List<UsageRun>> runsOf(String account, long since, long until) {
        return stored.runsOf(account, since, until);
      }
    };
    Usage usage = new Usage(records, fixture.state.accounts());
    ServerRecord ready = ServerRecord.pending("fay", "", HERE, "t", 1, "").ready("c-fay", "127.0.0.1", 1, 2);

    usage.ready(ready, 2);
    io.vertx.core.Future<Void> ended = usage.ended(ready, Usage.STOPPED);
    assertEquals(List.of(), writes, "the close waits for the open");
    slowOpen.complete();

    await(ended);
    assertEquals(List.of("opened", "closed"), writes);
    assertEquals(Usage.STOPPED, stored.all().get(0).reason());
  }

  @Test
  void aUsageWriteThatFailsNeitherFailsTheStartNorTheStop() {
    fixture.usage.failing(true);
    ServerLifecycle servers = fixture.servers();

    await(servers.ensureStarted("erin", "", StartRequest.implied()));
    assertTrue(fixture.record("erin").running());
    await(servers.stop("erin", ""));

    assertEquals(null, fixture.record("erin"));
    assertEquals(List.of(), fixture.usage.all());
  }
}
