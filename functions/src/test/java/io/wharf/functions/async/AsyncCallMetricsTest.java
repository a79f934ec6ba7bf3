package io.wharf.functions.async;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.wharf.functions.async.CallsFixture.ScriptedInvoker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.concurrent.ExecutionException;

import static io.wharf.functions.async.CallsFixture.answer;
import static io.wharf.functions.async.CallsFixture.await;
import static io.wharf.functions.async.CallsFixture.call;
import static io.wharf.functions.async.CallsFixture.eventually;
import static io.wharf.functions.async.CallsFixture.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The counters an operator reads: submissions, refusals, retries and how calls ended. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AsyncCallMetricsTest {

  private CallsFixture fixture;

  @BeforeAll
  void open() throws Exception {
    fixture = CallsFixture.embedded();
  }

  @AfterAll
  void close() throws Exception {
    fixture.stopWorkers();
    fixture.close();
  }

  @Test
  void submissionsRefusalsRetriesAndOutcomesAreCounted() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ScriptedInvoker invoker = new ScriptedInvoker(call -> Future.succeededFuture(
      answer(call.getJsonObject("kwargs").getInteger("n") == 0 ? 200 : 503, new JsonObject())));
    AsyncCalls calls = fixture.calls(invoker, options(1, 2, 4), registry);
    await(calls.submit("alice", "stats", "double", call(0), null, "key1"));
    await(calls.submit("alice", "stats", "double", call(1), null, "key1"));
    assertThrows(ExecutionException.class, () -> await(calls.submit("alice", "stats", "double", call(2), null, "key1")));
    await(calls.start());
    eventually("both ended", () -> registry.find("wharf.functions.async.ended").counters().stream()
      .mapToDouble(c -> c.count()).sum() == 2);
    assertEquals(2, registry.get("wharf.functions.async.submitted").counter().count());
    assertEquals(1, registry.get("wharf.functions.async.refused").counter().count());
    assertEquals(1, registry.get("wharf.functions.async.ended").tag("outcome", "succeeded").counter().count());
    assertEquals(1, registry.get("wharf.functions.async.ended").tag("outcome", "failed").counter().count());
    assertEquals(0, registry.get("wharf.functions.async.retries").counter().count(), "one attempt allowed: no retry");
    assertEquals(0, registry.get("wharf.functions.async.running").gauge().value());
  }
}
