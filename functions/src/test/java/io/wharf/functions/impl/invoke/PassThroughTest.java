package io.wharf.functions.impl.invoke;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What goes on as bytes: a caller's body already in the runtime's form (or an object of keyword
 * arguments, wrapped), the runtime's {@code {"result"}} answer; and that everything else takes the
 * slow path, which answers it as before.
 */
class PassThroughTest {

  private static final JsonArray NO_PATH = new JsonArray();

  private static Buffer runtimeForm(String body) {
    return InvocationHandler.runtimeForm(NO_PATH, null, Buffer.buffer(body));
  }

  @Test
  void aBodyInTheRuntimesFormGoesOnAsTheSameBytes() {
    Buffer body = Buffer.buffer("{\"args\": [1, {\"a\": [2]}], \"kwargs\": {\"y\": 2}}");
    assertSame(body, InvocationHandler.runtimeForm(NO_PATH, null, body));
    Buffer onlyKwargs = Buffer.buffer("{\"kwargs\": {\"x\": 1, \"ms\": 0}}");
    assertSame(onlyKwargs, InvocationHandler.runtimeForm(NO_PATH, null, onlyKwargs));
  }

  @Test
  void anObjectOfKeywordsIsWrappedWithItsBytesInside() {
    assertEquals("{\"args\":[],\"kwargs\":{\"xs\": [1, 2],  \"y\": 3}}", runtimeForm("{\"xs\": [1, 2],  \"y\": 3}").toString());
    assertEquals("{\"args\":[],\"kwargs\":{}}", runtimeForm("").toString());
  }

  @Test
  void whatGoesOnAsBytesMeansWhatTheSlowPathWouldHaveSent() {
    List<String> bodies = List.of("", "{}", "{\"x\": 1}", "{\"args\": [1]}", "{\"kwargs\": {\"k\": \"v\"}}",
      "{\"args\": [1], \"kwargs\": {\"y\": 2}}", "{\"args\": [1], \"x\": 2}", "{\"args\": [1], \"args\": [2]}",
      " {\"x\": {\"nested\": [true, null, 1.5e3]}} ", "{\"call_id\": \"c\", \"args\": []}");
    for (String body : bodies) {
      Buffer fast = runtimeForm(body);
      assertTrue(fast != null, body);
      // The runtime takes a missing args or kwargs as empty (runtime/PROTOCOL.md).
      JsonObject sent = fast.toJsonObject();
      sent.put("args", sent.getValue("args", new JsonArray())).put("kwargs", sent.getValue("kwargs", new JsonObject()));
      assertEquals(CallBody.of(NO_PATH, MultiMap.caseInsensitiveMultiMap(), Buffer.buffer(body)), sent, body);
    }
  }

  @Test
  void anythingElseTakesTheSlowPath() {
    for (String body : List.of("[1]", "1", "\"x\"", "null", "{\"x\": 1} trailing", "{\"x\": 1}{}", "{\"x\": /* c */ 1}",
      "{\"x\": NaN}", "{\"args\": 1}", "{\"args\": 1, \"x\": 2}", "{\"kwargs\": []}", "{\"args\": {}, \"kwargs\": {}}", "{\"x\": 1", "{'x': 1}")) {
      assertNull(runtimeForm(body), body);
    }
    assertNull(InvocationHandler.runtimeForm(new JsonArray().add("20"), null, Buffer.buffer("{}")), "path arguments");
    assertNull(InvocationHandler.runtimeForm(NO_PATH, "k=v", Buffer.buffer("{}")), "a query");
  }

  @Test
  void theRuntimesResultAnswerGoesOnAsItsBytes() {
    Buffer answer = Buffer.buffer("{\"result\": {\"mean\": 2.0, \"xs\": [1, 2, 3]}}");
    RuntimeClient.Outcome outcome = RuntimeClient.outcome(200, answer);
    assertSame(answer, outcome.result().body());
    assertEquals("ok", outcome.outcome());
    assertFalse(outcome.broken());
  }

  @Test
  void anotherAnswerIsStillTranslated() {
    RuntimeClient.Outcome extra = RuntimeClient.outcome(200, Buffer.buffer("{\"result\": 1, \"debug\": \"x\"}"));
    assertEquals(new JsonObject().put("result", 1), extra.result().body().toJsonObject(), "only the result is passed on");
    RuntimeClient.Outcome garbage = RuntimeClient.outcome(200, Buffer.buffer("{\"result\": 1} and more"));
    assertEquals(502, garbage.result().status());
    assertTrue(garbage.broken());
    RuntimeClient.Outcome raised = RuntimeClient.outcome(500, Buffer.buffer("{\"error\": {\"type\": \"ValueError\", \"message\": \"no\"}}"));
    assertEquals(500, raised.result().status());
    assertEquals("ValueError", raised.result().body().toJsonObject().getJsonObject("error").getString("type"));
    for (String answer : List.of("{\"result\": NaN}", "[1]", "{}", "{\"result\": 1,}")) {
      assertFalse(JsonShape.isResultOnly(Buffer.buffer(answer)), answer);
    }
  }

  @Test
  void theCommandCheckAgreesWithItsPattern() {
    for (String command : List.of("echo", "_x", "A9_", "9a", "", "a-b", "a b", "é", "a".repeat(128), "a".repeat(129), "x/y", "..")) {
      assertEquals(Dispatcher.COMMAND.matcher(command).matches(), Dispatcher.isCommand(command), command);
    }
  }

  @Test
  void aContentLengthIsANumberWithinTheLimit() {
    assertTrue(InvocationHandler.withinLimit("0", 1024));
    assertTrue(InvocationHandler.withinLimit("1024", 1024));
    assertFalse(InvocationHandler.withinLimit("1025", 1024));
    for (String bad : List.of("", "-1", "+1", "1e3", " 1", "12345678901234567890", "0x10")) {
      assertFalse(InvocationHandler.withinLimit(bad, Long.MAX_VALUE), bad);
    }
  }
}
