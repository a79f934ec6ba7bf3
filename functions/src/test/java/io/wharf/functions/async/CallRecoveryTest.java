package io.wharf.functions.async;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import io.wharf.functions.Invocation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import static io.wharf.functions.async.CallsFixture.answer;
import static io.wharf.functions.async.CallsFixture.await;
import static io.wharf.functions.async.CallsFixture.call;
import static io.wharf.functions.async.CallsFixture.eventually;
import static io.wharf.functions.async.CallsFixture.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A kill of the instance running a call, on the embedded database, with containers the test
 * names: the attempt's container is recorded before the attempt is sent; a take-over asks the
 * killed run's container that the attempt went to, and goes through the pool when that container
 * is gone; the killed run's containers are removed once no call needs them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CallRecoveryTest {

  private static final Placement OLD = new Placement("c-old", "127.0.0.1", 40001);
  private static final Placement IDLE = new Placement("c-idle", "127.0.0.1", 40002);
  private static final Placement NEW = new Placement("c-new", "127.0.0.1", 40003);

  private CallsFixture fixture;

  /** Containers as the test says: the pool always places on one, the earlier run left some; every call is recorded. */
  static class Containers implements AsyncInvoker {
    final Placement pooled;
    final List<Placement> left;
    final List<String> sentThroughPool = new CopyOnWriteArrayList<>();
    final List<String> sentTo = new CopyOnWriteArrayList<>();
    final List<String> unsent = new CopyOnWriteArrayList<>();
    final List<String> removed = new CopyOnWriteArrayList<>();
    /** The container recorded for a call when the pool sent it there. */
    final List<String> recordedWhenSent = new CopyOnWriteArrayList<>();
    final List<Promise<Invocation.Result>> pending = new CopyOnWriteArrayList<>();
    private final boolean hold;
    private AsyncCalls calls;

    Containers(Placement pooled, List<Placement> left, boolean hold) {
      this.pooled = pooled;
      this.left = left;
      this.hold = hold;
    }

    @Override
    public Future<Invocation.Result> invoke(String owner, String function, String command, JsonObject call, Duration timeout,
                                            Function<Placement, Future<Boolean>> placing) {
      String id = call.getString("call_id");
      return placing.apply(pooled).compose(placed -> {
        if (!placed) {
          unsent.add(id);
          return Future.succeededFuture(answer(503, new JsonObject()));
        }
        return calls.get(id).compose(stored -> {
          recordedWhenSent.add(String.valueOf(stored.container()));
          sentThroughPool.add(id);
          return answered(call);
        });
      });
    }

    @Override
    public Future<Invocation.Result> invokeOn(Placement container, String command, JsonObject call, Duration timeout) {
      sentTo.add(container.containerId() + " " + call.getString("call_id"));
      return answered(call);
    }

    private Future<Invocation.Result> answered(JsonObject call) {
      if (hold) {
        Promise<Invocation.Result> promise = Promise.promise();
        pending.add(promise);
        return promise.future();
      }
      return Future.succeededFuture(answer(200, new JsonObject().put("result", call.getJsonObject("kwargs").getInteger("n"))));
    }

    @Override
    public Future<List<Placement>> leftovers() {
      return Future.succeededFuture(left);
    }

    @Override
    public Future<Void> remove(Placement container) {
      removed.add(container.containerId());
      return Future.succeededFuture();
    }
  }

  @BeforeAll
  void open() throws Exception {
    fixture = CallsFixture.embedded();
  }

  @BeforeEach
  void empty() throws Exception {
    fixture.emptyTable();
  }

  @AfterEach
  void stopWorkers() throws Exception {
    fixture.stopWorkers();
  }

  @AfterAll
  void close() throws Exception {
    fixture.close();
  }

  private AsyncCalls started(Containers containers) throws Exception {
    AsyncCalls calls = fixture.calls(containers, options(3, 10, 4));
    containers.calls = calls;
    await(calls.start());
    return calls;
  }

  private AsyncCall submit(AsyncCalls calls, int n) throws Exception {
    return await(calls.submit("alice", "jobs", "append", call(n), null, "key1"));
  }

  private AsyncCall state(AsyncCalls calls, String id) throws Exception {
    return await(calls.get(id));
  }

  private void eventuallyEnded(AsyncCalls calls, String id) throws InterruptedException {
    eventually("call " + id + " ended", () -> {
      try {
        return state(calls, id).state().ended();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }

  /** Submits a call to a worker whose pool sends it to {@code container}, which holds it; the worker is then killed. */
  private AsyncCall runningWhenKilled(Placement container) throws Exception {
    Containers killedRun = new Containers(container, List.of(), true);
    AsyncCalls killed = started(killedRun);
    AsyncCall submitted = submit(killed, 7);
    eventually("the killed run sent the call", () -> killedRun.pending.size() == 1);
    await(killed.stop());
    fixture.clock.addAndGet(31_000);
    return submitted;
  }

  @Test
  void anAttemptsContainerIsRecordedBeforeTheAttemptIsSentAndClearedWhenTheCallIsQueuedAgain() throws Exception {
    Containers containers = new Containers(NEW, List.of(), false);
    AsyncCalls calls = started(containers);
    AsyncCall submitted = submit(calls, 3);
    eventuallyEnded(calls, submitted.id());
    assertEquals(List.of("c-new"), containers.recordedWhenSent);
    assertEquals(CallState.SUCCEEDED, state(calls, submitted.id()).state());
    await(calls.stop());

    Containers failing = new Containers(NEW, List.of(), true);
    AsyncCalls retrying = started(failing);
    AsyncCall again = submit(retrying, 4);
    eventually("sent", () -> failing.pending.size() == 1);
    assertEquals("c-new", state(retrying, again.id()).container());
    failing.pending.get(0).complete(answer(502, new JsonObject()));
    eventually("queued again", () -> {
      try {
        return state(retrying, again.id()).state() == CallState.QUEUED;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    assertNull(state(retrying, again.id()).container(), "a queued call is on no container");
  }

  @Test
  void anAttemptWhoseClaimWasLostBeforeItWasPlacedIsNotSent() throws Exception {
    Promise<Void> placeNow = Promise.promise();
    Containers containers = new Containers(NEW, List.of(), false) {
      @Override
      public Future<Invocation.Result> invoke(String owner, String function, String command, JsonObject call, Duration timeout,
                                              Function<Placement, Future<Boolean>> placing) {
        return placeNow.future().compose(v -> super.invoke(owner, function, command, call, timeout, placing));
      }
    };
    AsyncCalls calls = started(containers);
    AsyncCall submitted = submit(calls, 5);
    eventually("claimed", () -> calls.running() == 1);
    assertEquals(CallState.CANCELLED, await(calls.cancel(submitted.id())).state());
    placeNow.complete();
    eventually("the attempt gave up", () -> calls.running() == 0);
    assertEquals(List.of(submitted.id()), containers.unsent);
    assertEquals(List.of(), containers.sentThroughPool);
  }

  @Test
  void aTakenOverCallIsAskedAgainOfTheKilledRunsContainerItWasSentTo() throws Exception {
    AsyncCall submitted = runningWhenKilled(OLD);
    Containers restarted = new Containers(NEW, List.of(OLD), false);
    AsyncCalls calls = started(restarted);
    eventuallyEnded(calls, submitted.id());
    AsyncCall ended = state(calls, submitted.id());
    assertEquals(CallState.SUCCEEDED, ended.state());
    assertEquals(7, ended.toJson().getInteger("result"));
    assertEquals(2, ended.attempts());
    assertEquals(List.of("c-old " + submitted.id()), restarted.sentTo, "the old container, with the call id it ran");
    assertEquals(List.of(), restarted.sentThroughPool, "not run anywhere else");
  }

  @Test
  void aTakenOverCallWhoseContainerIsGoneGoesThroughThePool() throws Exception {
    AsyncCall submitted = runningWhenKilled(OLD);
    // The container died with the killed run: the container manager did not find it at start.
    Containers restarted = new Containers(NEW, List.of(IDLE), false);
    AsyncCalls calls = started(restarted);
    eventuallyEnded(calls, submitted.id());
    assertEquals(CallState.SUCCEEDED, state(calls, submitted.id()).state());
    assertEquals(List.of(), restarted.sentTo);
    assertEquals(List.of(submitted.id()), restarted.sentThroughPool);
    assertEquals(List.of("c-new"), restarted.recordedWhenSent, "the new attempt's container recorded in its place");
  }

  @Test
  void theKilledRunsContainersAreRemovedOnceNoCallNeedsThem() throws Exception {
    AsyncCall submitted = runningWhenKilled(OLD);
    Containers restarted = new Containers(NEW, List.of(OLD, IDLE), true);
    AsyncCalls calls = started(restarted);
    eventually("the container no call names is removed at start", () -> restarted.removed.equals(List.of("c-idle")));
    eventually("the take-over asks the old container", () -> restarted.pending.size() == 1);
    assertEquals(1, await(calls.releaseLeftovers()), "kept while the call it ran is running");
    assertEquals(List.of("c-idle"), restarted.removed);
    restarted.pending.get(0).complete(answer(200, new JsonObject().put("result", 7)));
    eventuallyEnded(calls, submitted.id());
    assertEquals(0, await(calls.releaseLeftovers()));
    assertEquals(List.of("c-idle", "c-old"), restarted.removed);
  }

  @Test
  void theKilledRunsContainersAreRemovedAtTheLatestAfterTheLeaseAndTwiceTheTimeout() throws Exception {
    AsyncCall submitted = runningWhenKilled(OLD);
    Containers restarted = new Containers(NEW, List.of(OLD), true);
    AsyncCalls calls = started(restarted);
    eventually("the take-over asks the old container", () -> restarted.pending.size() == 1);
    assertEquals(1, await(calls.releaseLeftovers()));
    // Lease 30 s, call timeout 10 s, and a second of grace.
    fixture.clock.addAndGet(50_500);
    assertEquals(1, await(calls.releaseLeftovers()));
    fixture.clock.addAndGet(1_000);
    assertEquals(0, await(calls.releaseLeftovers()));
    assertEquals(List.of("c-old"), restarted.removed);
    assertEquals(CallState.RUNNING, state(calls, submitted.id()).state());
  }
}
