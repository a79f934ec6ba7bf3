package io.wharf.functions.impl.api;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.wharf.functions.async.AsyncCalls;
import io.wharf.functions.impl.AsyncWiring;
import io.wharf.functions.impl.FunctionMetrics;
import io.wharf.functions.impl.invoke.Dispatcher;
import io.wharf.functions.impl.invoke.InvocationHandler;
import io.wharf.functions.impl.invoke.InvocationLog;
import io.wharf.functions.impl.invoke.RuntimeClient;
import io.wharf.functions.impl.registry.InMemoryFunctionStore;
import io.wharf.functions.impl.scaling.FakeBackends;
import io.wharf.functions.impl.scaling.Pools;
import io.wharf.functions.impl.scaling.ScalingPolicy;
import io.wharf.session.Secrets;
import io.wharf.session.StoreOptions;
import io.wharf.session.store.JdbcStore;
import io.wharf.session.testing.InMemoryState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Async calls through the {@code /fn/} path as the functions role wires them: kept in the store's
 * database (embedded H2), run by the worker through the dispatcher on stub runtimes.
 */
class AsyncFunctionRoutesTest {

  private final Vertx vertx = Vertx.vertx();
  private final HttpClient http = HttpClient.newHttpClient();
  private Pools pools;
  private HttpServer server;

  private AsyncCalls calls;

  @BeforeEach
  void start(@TempDir Path dataDir) {
    InMemoryFunctionStore registry = new InMemoryFunctionStore();
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    FunctionMetrics metrics = new FunctionMetrics(meters);
    pools = new Pools(vertx, new FakeBackends(vertx, 10), new ScalingPolicy(Duration.ofSeconds(5), Duration.ofSeconds(5), 10), metrics,
      System::nanoTime, 100);
    FunctionApi api = new FunctionApi(FunctionRoutesTest.OPTIONS, registry,
      (user, account, path) -> Future.succeededFuture(Secrets.sha256Hex(user + "/" + path)), pools, handler -> ctx -> {
        ctx.put(FunctionApi.ACCOUNT_ID, "acct-" + ctx.pathParam("name"));
        handler.handle(ctx);
      }, System::currentTimeMillis, new InvocationLog(10), (owner, fn, lines) -> Future.succeededFuture(new JsonArray()));
    Router router = Router.router(vertx);
    router.route("/hub/*").handler(BodyHandler.create(false));
    api.mount(router);
    Dispatcher dispatcher = new Dispatcher(registry, pools, new RuntimeClient(vertx), metrics);
    InvocationHandler invocations = new InvocationHandler(FunctionRoutesTest.OPTIONS, registry, dispatcher,
      new InMemoryState().rateLimits());
    router.route("/fn/*").handler(invocations);
    JdbcStore store = JdbcStore.open(vertx, new StoreOptions("", "", "", 4), dataDir).await();
    calls = AsyncWiring.start(vertx, store, dispatcher, invocations, FunctionRoutesTest.ASYNC, meters).await();
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
  }

  @AfterEach
  void stop() {
    // The worker first, so that no database call is in flight when the store closes with Vert.x.
    calls.stop().await();
    pools.close();
    vertx.close().await();
  }

  private HttpResponse<String> send(String method, String path, String body, String key, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path))
      .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    if (headers.length > 0) {
      request.headers(headers);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private String publishWithKey(String fn) throws Exception {
    assertEquals(201, send("POST", "/hub/api/users/alice/functions/" + fn, "{\"path\": \"functions/" + fn + "\"}", null).statusCode());
    HttpResponse<String> key = send("POST", "/hub/api/users/alice/functions/" + fn + "/keys", "{}", null);
    assertEquals(201, key.statusCode(), key.body());
    return new JsonObject(key.body()).getString("key");
  }

  /** Reads the call until it has ended (at most 10 s). */
  private JsonObject ended(String location, String key) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      HttpResponse<String> read = send("GET", location, null, key);
      assertEquals(200, read.statusCode(), read.body());
      JsonObject call = new JsonObject(read.body());
      String state = call.getString("state");
      if (!state.equals("queued") && !state.equals("running") || System.nanoTime() > deadline) {
        return call;
      }
      Thread.sleep(20);
    }
  }

  @Test
  void anAsyncCallIsAcceptedThenRunAndItsResultRead() throws Exception {
    String key = publishWithKey("stats");
    HttpResponse<String> submitted = send("POST", "/fn/alice/stats/echo?async=1", "{\"xs\": [1, 2]}", key);
    assertEquals(202, submitted.statusCode(), submitted.body());
    String location = submitted.headers().firstValue("Location").orElseThrow();
    String id = new JsonObject(submitted.body()).getString("id");
    assertEquals("/fn/calls/" + id, location);
    JsonObject call = ended(location, key);
    assertEquals("succeeded", call.getString("state"), call.encode());
    // The stub's echo returns the body it was sent: the call as submitted, with the call's id added by the worker.
    JsonObject sent = call.getJsonObject("result");
    assertEquals(id, sent.getString("call_id"), call.encode());
    assertEquals(new JsonObject().put("xs", new io.vertx.core.json.JsonArray().add(1).add(2)), sent.getJsonObject("kwargs"));
  }

  @Test
  void preferRespondAsyncAndAnIdempotencyKeyGiveTheSameCallTwice() throws Exception {
    String key = publishWithKey("stats");
    HttpResponse<String> first = send("POST", "/fn/alice/stats/echo", "{}", key, "Prefer", "respond-async", "Idempotency-Key", "k-1");
    assertEquals(202, first.statusCode(), first.body());
    assertEquals("respond-async", first.headers().firstValue("Preference-Applied").orElse(""));
    HttpResponse<String> again = send("POST", "/fn/alice/stats/echo?async=1", "{}", key, "Idempotency-Key", "k-1");
    assertEquals(202, again.statusCode(), again.body());
    assertEquals(first.headers().firstValue("Location"), again.headers().firstValue("Location"));
    HttpResponse<String> other = send("POST", "/fn/alice/stats/echo?async=1", "{}", key, "Idempotency-Key", "k-2");
    assertTrue(!other.headers().firstValue("Location").equals(first.headers().firstValue("Location")), other.body());
  }

  @Test
  void aCallIsReadOnlyWithAValidKeyOfItsOwnFunction() throws Exception {
    String key = publishWithKey("stats");
    String otherKey = publishWithKey("other");
    String location = send("POST", "/fn/alice/stats/echo?async=1", "{}", key).headers().firstValue("Location").orElseThrow();
    assertEquals(200, send("GET", location, null, key).statusCode());
    assertEquals(401, send("GET", location, null, null).statusCode());
    assertEquals(403, send("GET", location, null, "wfk_wrong").statusCode());
    assertEquals(404, send("GET", location, null, otherKey).statusCode(), "another function's key does not see the call");
    assertEquals(404, send("DELETE", location, null, otherKey).statusCode());
    assertEquals(404, send("GET", "/fn/calls/0123", null, key).statusCode());
  }

  @Test
  void aFailingFunctionEndsFailedWithItsError() throws Exception {
    String key = publishWithKey("stats");
    String location = send("POST", "/fn/alice/stats/boom?async=1", "{}", key).headers().firstValue("Location").orElseThrow();
    JsonObject call = ended(location, key);
    assertEquals("failed", call.getString("state"), call.encode());
    assertEquals(500, call.getJsonObject("response").getInteger("status"), call.encode());
    assertTrue(call.getJsonObject("response").encode().contains("bad input"), "the exception's message is kept: " + call.encode());
    assertEquals(FunctionRoutesTest.ASYNC.maxAttempts(), call.getInteger("attempts"), "a 5xx is retried up to max-attempts: " + call.encode());
  }
}
