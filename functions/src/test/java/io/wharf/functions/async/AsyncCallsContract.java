package io.wharf.functions.async;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.wharf.functions.async.CallsFixture.ScriptedInvoker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import static io.wharf.functions.async.CallsFixture.answer;
import static io.wharf.functions.async.CallsFixture.await;
import static io.wharf.functions.async.CallsFixture.call;
import static io.wharf.functions.async.CallsFixture.eventually;
import static io.wharf.functions.async.CallsFixture.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What durable async calls must do on every database the store supports; each class opens one. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AsyncCallsContract {

  CallsFixture fixture;

  abstract CallsFixture open() throws Exception;

  @BeforeAll
  void openStore() throws Exception {
    fixture = open();
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
  void closeStore() throws Exception {
    fixture.close();
  }

  AsyncCall submit(AsyncCalls calls, int n) throws Exception {
    return await(calls.submit("alice", "stats", "double", call(n), null, "key1"));
  }

  AsyncCall state(AsyncCalls calls, String id) throws Exception {
    return await(calls.get(id));
  }

  void eventuallyState(AsyncCalls calls, String id, CallState state) throws InterruptedException {
    eventually("call " + id + " " + state.label(), () -> {
      try {
        return state(calls, id).state() == state;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }

  @Test
  void aSubmittedCallIsStoredQueuedBeforeItIsAcknowledged() throws Exception {
    AsyncCalls calls = fixture.calls(ScriptedInvoker.doubling(), options(3, 10, 4));
    AsyncCall submitted = submit(calls, 21);
    AsyncCall stored = state(fixture.calls(ScriptedInvoker.doubling(), options(3, 10, 4)), submitted.id());
    assertEquals(CallState.QUEUED, stored.state());
    assertEquals(call(21), stored.call());
    assertEquals(32, stored.id().length());
  }

  @Test
  void aWorkerRunsTheCallAndKeepsTheFunctionsAnswer() throws Exception {
    ScriptedInvoker invoker = ScriptedInvoker.doubling();
    AsyncCalls calls = fixture.started(invoker, options(3, 10, 4));
    AsyncCall submitted = submit(calls, 21);
    eventuallyState(calls, submitted.id(), CallState.SUCCEEDED);
    assertEquals(List.of(call(21).put("call_id", submitted.id())), invoker.invoked, "the call, with its id for the runtime");
    JsonObject shown = state(calls, submitted.id()).toJson();
    assertEquals(42, shown.getInteger("result"));
    assertEquals(200, shown.getJsonObject("response").getInteger("status"));
    assertEquals(1, shown.getInteger("attempts"));
    assertEquals(CallsFixture.START + 3_600_000, shown.getLong("expires_at"));
  }

  @Test
  void twoCompetingWorkersRunAndEndEachCallOnce() throws Exception {
    ScriptedInvoker first = ScriptedInvoker.doubling();
    ScriptedInvoker second = ScriptedInvoker.doubling();
    AsyncCalls a = fixture.calls(first, options(3, 1000, 8));
    AsyncCalls b = fixture.calls(second, options(3, 1000, 8));
    List<String> ids = new ArrayList<>();
    for (int n = 0; n < 200; n++) {
      ids.add(submit(n % 2 == 0 ? a : b, n).id());
    }
    await(a.start());
    await(b.start());
    eventually("200 calls ended", () -> first.invoked.size() + second.invoked.size() >= 200 && a.running() + b.running() == 0);
    for (String id : ids) {
      AsyncCall call = state(a, id);
      assertEquals(CallState.SUCCEEDED, call.state());
      assertEquals(1, call.attempts());
    }
    List<JsonObject> all = new ArrayList<>(first.invoked);
    all.addAll(second.invoked);
    assertEquals(200, all.size(), "each call invoked once");
    assertEquals(200, new HashSet<>(all).size());
    assertTrue(!first.invoked.isEmpty() && !second.invoked.isEmpty(), "both workers took calls");
  }

  @Test
  void aCallOfAKilledWorkerIsTakenOverWhenItsLeaseRunsOutAndEndsOnce() throws Exception {
    ScriptedInvoker killed = ScriptedInvoker.holding();
    AsyncCalls a = fixture.started(killed, options(3, 10, 4));
    AsyncCall submitted = submit(a, 5);
    eventually("the first worker runs it", () -> killed.pending.size() == 1);
    await(a.stop());
    ScriptedInvoker survivor = ScriptedInvoker.doubling();
    AsyncCalls b = fixture.started(survivor, options(3, 10, 4));
    fixture.clock.addAndGet(29_000);
    b.wake();
    Thread.sleep(100);
    assertEquals(0, survivor.invoked.size(), "not taken while the lease holds");
    fixture.clock.addAndGet(2_000);
    b.wake();
    eventuallyState(b, submitted.id(), CallState.SUCCEEDED);
    killed.pending.get(0).complete(answer(200, new JsonObject().put("result", "late")));
    Thread.sleep(100);
    AsyncCall ended = state(b, submitted.id());
    assertEquals(10, ended.toJson().getInteger("result"));
    assertEquals(2, ended.attempts());
    assertEquals(1, survivor.invoked.size());
    assertEquals(killed.invoked.get(0), survivor.invoked.get(0), "the same call id: a runtime that ran it answers again");
  }

  @Test
  void aWorkerWhoseLeaseWasTakenOverCannotEndTheCall() throws Exception {
    ScriptedInvoker slow = ScriptedInvoker.holding();
    // One call at a time: the slow worker cannot take its own call over again.
    AsyncCalls a = fixture.started(slow, options(3, 10, 1));
    AsyncCall submitted = submit(a, 5);
    eventually("the first worker runs it", () -> slow.pending.size() == 1);
    fixture.clock.addAndGet(31_000);
    AsyncCalls b = fixture.started(ScriptedInvoker.doubling(), options(3, 10, 4));
    eventuallyState(b, submitted.id(), CallState.SUCCEEDED);
    slow.pending.get(0).complete(answer(200, new JsonObject().put("result", "late")));
    eventually("the first worker gave up its call", () -> a.running() == 0);
    AsyncCall ended = state(b, submitted.id());
    assertEquals(CallState.SUCCEEDED, ended.state());
    assertEquals(10, ended.toJson().getInteger("result"));
  }

  @Test
  void failedAttemptsAreRetriedWithGrowingBackoffThenTheCallFailsWithTheReason() throws Exception {
    ScriptedInvoker failing = new ScriptedInvoker(call -> Future.succeededFuture(answer(500,
      new JsonObject().put("error", new JsonObject().put("type", "ValueError").put("message", "no")))));
    AsyncCalls calls = fixture.started(failing, options(3, 10, 4));
    AsyncCall submitted = submit(calls, 1);
    long[] backoffs = {1000, 2000};
    for (int attempt = 1; attempt <= 2; attempt++) {
      int expected = attempt;
      eventually("attempt " + attempt, () -> failing.invoked.size() == expected);
      eventuallyState(calls, submitted.id(), CallState.QUEUED);
      AsyncCall queued = state(calls, submitted.id());
      long wait = queued.nextAttemptAt() - fixture.clock.get();
      assertTrue(wait >= backoffs[attempt - 1] && wait <= backoffs[attempt - 1] * 5 / 4, "backoff " + wait);
      assertEquals("the function answered 500 (attempt " + attempt + ")", queued.error());
      calls.wake();
      Thread.sleep(60);
      assertEquals(attempt, failing.invoked.size(), "not before the backoff");
      fixture.clock.addAndGet(wait);
      calls.wake();
    }
    eventuallyState(calls, submitted.id(), CallState.FAILED);
    AsyncCall failed = state(calls, submitted.id());
    assertEquals("the function answered 500 (attempt 3 of 3)", failed.error());
    assertEquals("ValueError", failed.toJson().getJsonObject("response").getJsonObject("body")
      .getJsonObject("error").getString("type"));
    assertEquals(3, failing.invoked.size());
  }

  @Test
  void aTimeoutIsRetriedAndAFourHundredIsFinal() throws Exception {
    Function<JsonObject, Future<io.wharf.functions.Invocation.Result>> script = call ->
      call.getJsonObject("kwargs").getInteger("n") == 1 ? Future.failedFuture(new TimeoutException("took 10000 ms"))
        : Future.succeededFuture(answer(400, new JsonObject().put("error", new JsonObject().put("type", "TypeError"))));
    ScriptedInvoker invoker = new ScriptedInvoker(script);
    AsyncCalls calls = fixture.started(invoker, options(3, 10, 4));
    AsyncCall timedOut = submit(calls, 1);
    AsyncCall refused = submit(calls, 2);
    eventuallyState(calls, refused.id(), CallState.FAILED);
    assertEquals("the function answered 400", state(calls, refused.id()).error());
    eventuallyState(calls, timedOut.id(), CallState.QUEUED);
    assertEquals("timed out: took 10000 ms (attempt 1)", state(calls, timedOut.id()).error());
    assertEquals(1, state(calls, refused.id()).attempts());
  }

  @Test
  void anIdempotencyKeyGivesTheSameCallToTheSameCallerKey() throws Exception {
    AsyncCalls calls = fixture.calls(ScriptedInvoker.doubling(), options(3, 100, 4));
    List<Future<AsyncCall>> concurrent = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      concurrent.add(calls.submit("alice", "stats", "double", call(1), "order-17", "key1"));
    }
    Map<String, Long> ids = new java.util.HashMap<>();
    for (Future<AsyncCall> f : concurrent) {
      ids.merge(await(f).id(), 1L, Long::sum);
    }
    assertEquals(1, ids.size(), "one call for one key: " + ids);
    String id = ids.keySet().iterator().next();
    assertEquals(id, await(calls.submit("alice", "stats", "double", call(2), "order-17", "key1")).id());
    assertNotEquals(id, await(calls.submit("alice", "stats", "double", call(1), "order-17", "key2")).id());
    assertNotEquals(id, await(calls.submit("alice", "other", "double", call(1), "order-17", "key1")).id());
    assertNotEquals(id, await(calls.submit("alice", "stats", "double", call(1), null, "key1")).id());
    assertEquals(4, countRows());
  }

  @Test
  void aFullQueueRefusesFurtherCallsOfThatFunctionOnly() throws Exception {
    AsyncCalls calls = fixture.calls(ScriptedInvoker.doubling(), options(3, 3, 4));
    for (int n = 0; n < 3; n++) {
      submit(calls, n);
    }
    ExecutionException refused = assertThrows(ExecutionException.class, () -> submit(calls, 4));
    assertInstanceOf(QueueFullException.class, refused.getCause());
    await(calls.submit("alice", "other", "double", call(1), null, "key1"));
    assertEquals(4, countRows());
  }

  @Test
  void aCancelledQueuedCallNeverRuns() throws Exception {
    ScriptedInvoker invoker = ScriptedInvoker.doubling();
    AsyncCalls calls = fixture.calls(invoker, options(3, 10, 4));
    AsyncCall submitted = submit(calls, 1);
    assertEquals(CallState.CANCELLED, await(calls.cancel(submitted.id())).state());
    await(calls.start());
    Thread.sleep(100);
    assertEquals(0, invoker.invoked.size());
    assertEquals(CallState.CANCELLED, state(calls, submitted.id()).state());
    assertNull(await(calls.cancel("no-such-call")));
  }

  @Test
  void aCallCancelledWhileRunningKeepsNoResult() throws Exception {
    ScriptedInvoker invoker = ScriptedInvoker.holding();
    AsyncCalls calls = fixture.started(invoker, options(3, 10, 4));
    AsyncCall submitted = submit(calls, 1);
    eventually("running", () -> invoker.pending.size() == 1);
    await(calls.cancel(submitted.id()));
    invoker.pending.get(0).complete(answer(200, new JsonObject().put("result", 2)));
    eventually("the worker let it go", () -> calls.running() == 0);
    AsyncCall cancelled = state(calls, submitted.id());
    assertEquals(CallState.CANCELLED, cancelled.state());
    assertNull(cancelled.resultBody());
  }

  @Test
  void endedCallsAreDeletedAfterTheRetentionTime() throws Exception {
    AsyncCalls calls = fixture.started(ScriptedInvoker.doubling(), options(3, 10, 4));
    AsyncCall done = submit(calls, 1);
    eventuallyState(calls, done.id(), CallState.SUCCEEDED);
    await(calls.stop());
    AsyncCall waiting = submit(calls, 2);
    fixture.clock.addAndGet(3_600_000);
    assertEquals(0, await(calls.houseKeeping()), "kept for the whole retention time");
    fixture.clock.addAndGet(1);
    assertEquals(1, await(calls.houseKeeping()));
    assertNull(state(calls, done.id()));
    assertEquals(CallState.QUEUED, state(calls, waiting.id()).state(), "a call that has not ended is kept");
  }

  @Test
  void anInstanceRunsAtMostItsMaximumAtOnce() throws Exception {
    ScriptedInvoker invoker = ScriptedInvoker.holding();
    AsyncCalls calls = fixture.started(invoker, options(3, 10, 2));
    for (int n = 0; n < 5; n++) {
      submit(calls, n);
    }
    eventually("two running", () -> invoker.pending.size() == 2);
    Thread.sleep(100);
    assertEquals(2, invoker.pending.size());
    invoker.pending.get(0).complete(answer(200, new JsonObject()));
    eventually("a third starts when one ends", () -> invoker.pending.size() == 3);
    assertEquals(2, calls.running());
  }

  @Test
  void aCallAbandonedOnItsLastAttemptFails() throws Exception {
    ScriptedInvoker killed = ScriptedInvoker.holding();
    AsyncCalls a = fixture.started(killed, options(1, 10, 4));
    AsyncCall submitted = submit(a, 1);
    eventually("running", () -> killed.pending.size() == 1);
    await(a.stop());
    fixture.clock.addAndGet(31_000);
    await(a.houseKeeping());
    AsyncCall failed = state(a, submitted.id());
    assertEquals(CallState.FAILED, failed.state());
    assertEquals("the instance running it stopped, after 1 attempts", failed.error());
  }

  private long countRows() throws Exception {
    return await(fixture.store.call(connection -> {
      try (var rows = connection.createStatement().executeQuery("SELECT COUNT(*) FROM function_calls")) {
        rows.next();
        return rows.getLong(1);
      }
    }));
  }

}
