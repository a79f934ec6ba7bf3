package io.wharf.functions.impl.api;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.wharf.functions.AsyncHandoff;
import io.wharf.functions.FunctionsOptions;
import io.wharf.functions.async.AsyncCallOptions;
import io.wharf.functions.impl.FunctionMetrics;
import io.wharf.functions.impl.invoke.Dispatcher;
import io.wharf.functions.impl.invoke.InvocationHandler;
import io.wharf.functions.impl.invoke.RuntimeClient;
import io.wharf.functions.impl.registry.InMemoryFunctionStore;
import io.wharf.functions.impl.registry.NearCache;
import io.wharf.functions.impl.registry.Snapshots;
import io.wharf.functions.impl.scaling.FakeBackends;
import io.wharf.functions.impl.scaling.Pools;
import io.wharf.functions.impl.scaling.ScalingPolicy;
import io.wharf.session.Secrets;
import io.wharf.session.testing.InMemoryState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The hub's function API and the {@code /fn/} path over HTTP, with stub runtimes: keys, errors, call forms. */
class FunctionRoutesTest {

  /** Async calls retried quickly and polled often, for the tests that run them. */
  static final AsyncCallOptions ASYNC = new AsyncCallOptions(3, Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofSeconds(30),
    Duration.ofHours(1), 100, 8, Duration.ofMillis(20), Duration.ofSeconds(10));
  static final FunctionsOptions OPTIONS = new FunctionsOptions("local", 2, 4, Duration.ofSeconds(60), Duration.ofSeconds(5),
    Duration.ofSeconds(5), 10, 1024, 1, 6, Duration.ofSeconds(5), ASYNC);

  private final Vertx vertx = Vertx.vertx();
  private final HttpClient http = HttpClient.newHttpClient();
  private final AtomicLong clock = new AtomicLong(System.currentTimeMillis());
  private Pools pools;
  private HttpServer server;
  private InvocationHandler invocations;

  @BeforeEach
  void start() {
    // As the role wires it: calls read through this instance's near cache, and a revocation here is refused at once.
    NearCache registry = new NearCache(new InMemoryFunctionStore());
    FunctionMetrics metrics = new FunctionMetrics(new SimpleMeterRegistry());
    pools = new Pools(vertx, new FakeBackends(vertx, 10), new ScalingPolicy(Duration.ofSeconds(5), Duration.ofSeconds(5), 10), metrics,
      System::nanoTime, 100);
    // The home volume is named by the account id, so the snapshot must be given the owner's.
    Snapshots snapshots = (user, account, path) -> !account.equals("acct-" + user)
      ? Future.failedFuture(new Snapshots.SnapshotFailure(500, "the snapshot got account " + account + " for " + user))
      : path.equals("missing") ? Future.failedFuture(new Snapshots.SnapshotFailure(400, "there is no folder missing"))
      : Future.succeededFuture(Secrets.sha256Hex(user + "/" + path));
    // Every caller here is alice, account acct-1.
    FunctionApi api = new FunctionApi(OPTIONS, registry, snapshots, pools, handler -> ctx -> {
      ctx.put(FunctionApi.ACCOUNT_ID, "acct-" + ctx.pathParam("name"));
      handler.handle(ctx);
    }, clock::get, new io.wharf.functions.impl.invoke.InvocationLog(10), (owner, fn, lines) -> Future.succeededFuture(new JsonArray()));
    Router router = Router.router(vertx);
    router.route("/hub/*").handler(BodyHandler.create(false));
    api.mount(router);
    Dispatcher dispatcher = new Dispatcher(registry, pools, new RuntimeClient(vertx), metrics);
    invocations = new InvocationHandler(OPTIONS, registry, dispatcher, new InMemoryState().rateLimits());
    router.route("/fn/*").handler(invocations);
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
  }

  @AfterEach
  void stop() {
    pools.close();
    vertx.close().await();
  }

  private HttpResponse<String> send(String method, String path, String body, String key) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path))
      .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private String publishWithKey(String owner, String fn, long expiresIn) throws Exception {
    HttpResponse<String> published = send("POST", "/hub/api/users/" + owner + "/functions/" + fn, "{\"path\": \"functions/" + fn + "\"}",
      null);
    assertTrue(published.statusCode() == 201 || published.statusCode() == 200, published.body());
    HttpResponse<String> key = send("POST", "/hub/api/users/" + owner + "/functions/" + fn + "/keys",
      "{\"expires_in\": " + expiresIn + "}", null);
    assertEquals(201, key.statusCode(), key.body());
    return new JsonObject(key.body()).getString("key");
  }

  @Test
  void aPublishRequestIsCheckedAndABadFieldIsNamed() throws Exception {
    HttpResponse<String> timeout = send("POST", "/hub/api/users/alice/functions/stats", "{\"path\": \"f\", \"timeout_seconds\": 0}", null);
    assertEquals(400, timeout.statusCode());
    assertTrue(new JsonObject(timeout.body()).getString("message").startsWith("timeout_seconds must be"), timeout.body());
    HttpResponse<String> escape = send("POST", "/hub/api/users/alice/functions/stats", "{\"path\": \"../bob\"}", null);
    assertEquals(400, escape.statusCode());
    assertTrue(new JsonObject(escape.body()).getString("message").startsWith("path must be"), escape.body());
    HttpResponse<String> concurrency = send("POST", "/hub/api/users/alice/functions/stats", "{\"path\": \"f\", \"concurrency\": \"2\"}",
      null);
    assertTrue(new JsonObject(concurrency.body()).getString("message").startsWith("concurrency must be"), concurrency.body());
    assertEquals(400, send("POST", "/hub/api/users/alice/functions/stats", "{\"path\": \"missing\"}", null).statusCode());
  }

  @Test
  void publishingIsBoundedPerUserAndARepublishMakesANewVersion() throws Exception {
    assertEquals(201, send("POST", "/hub/api/users/alice/functions/a", "{\"path\": \"one\"}", null).statusCode());
    assertEquals(201, send("POST", "/hub/api/users/alice/functions/b", "{\"path\": \"two\"}", null).statusCode());
    assertEquals(403, send("POST", "/hub/api/users/alice/functions/c", "{\"path\": \"three\"}", null).statusCode());
    HttpResponse<String> again = send("POST", "/hub/api/users/alice/functions/a", "{\"path\": \"other\"}", null);
    assertEquals(200, again.statusCode());
    assertEquals(Secrets.sha256Hex("alice/other"), new JsonObject(again.body()).getString("version"));
    assertEquals(2, new JsonArray(send("GET", "/hub/api/users/alice/functions", null, null).body()).size());
    assertEquals(204, send("DELETE", "/hub/api/users/alice/functions/b", null, null).statusCode());
    assertEquals(404, send("GET", "/hub/api/users/alice/functions/b", null, null).statusCode());
  }

  @Test
  void aCallTakesAJsonBodyOrPathAndQueryArguments() throws Exception {
    String key = publishWithKey("alice", "stats", 0);
    HttpResponse<String> body = send("POST", "/fn/alice/stats/echo", "{\"xs\": [1, 2, 3]}", key);
    assertEquals(200, body.statusCode(), body.body());
    assertEquals(new JsonObject().put("args", new JsonArray()).put("kwargs", new JsonObject().put("xs", new JsonArray().add(1).add(2).add(3))),
      new JsonObject(body.body()).getJsonObject("result"));
    HttpResponse<String> path = send("GET", "/fn/alice/stats/echo/20/a%20b?k=v", null, key);
    assertEquals(new JsonObject().put("args", new JsonArray().add("20").add("a b")).put("kwargs", new JsonObject().put("k", "v")),
      new JsonObject(path.body()).getJsonObject("result"));
    HttpResponse<String> explicit = send("POST", "/fn/alice/stats/echo", "{\"args\": [1], \"kwargs\": {\"y\": 2}}", key);
    assertEquals(new JsonObject().put("args", new JsonArray().add(1)).put("kwargs", new JsonObject().put("y", 2)),
      new JsonObject(explicit.body()).getJsonObject("result"));
    HttpResponse<String> raised = send("POST", "/fn/alice/stats/boom", "{}", key);
    assertEquals(500, raised.statusCode());
    assertEquals("application/problem+json", raised.headers().firstValue("Content-Type").orElse(""));
    assertEquals("ValueError", new JsonObject(raised.body()).getJsonObject("error").getString("type"));
    assertEquals(404, send("POST", "/fn/alice/stats/nope", "{}", key).statusCode());
  }

  @Test
  void keysAreCheckedMissingWrongRevokedExpiredOrAnotherFunctions() throws Exception {
    String key = publishWithKey("alice", "stats", 0);
    String other = publishWithKey("bob", "other", 0);
    HttpResponse<String> missing = send("POST", "/fn/alice/stats/echo", "{}", null);
    assertEquals(401, missing.statusCode());
    assertEquals("application/problem+json", missing.headers().firstValue("Content-Type").orElse(""));
    assertEquals(403, send("POST", "/fn/alice/stats/echo", "{}", "wfk_wrong").statusCode());
    assertEquals(403, send("POST", "/fn/alice/stats/echo", "{}", other).statusCode());
    assertEquals(404, send("POST", "/fn/alice/none/echo", "{}", key).statusCode());
    clock.addAndGet(-10_000);
    String expired = publishWithKey("alice", "stats", 1);
    clock.addAndGet(10_000);
    assertEquals(403, send("POST", "/fn/alice/stats/echo", "{}", expired).statusCode());
    JsonArray keys = new JsonArray(send("GET", "/hub/api/users/alice/functions/stats/keys", null, null).body());
    assertEquals(2, keys.size());
    assertFalse(keys.encode().contains(key) || keys.encode().contains(Secrets.sha256Hex(key)), "no secret or hash is listed");
    String id = keys.stream().map(JsonObject.class::cast).filter(k -> !k.getBoolean("expired")).findFirst().orElseThrow().getString("id");
    assertEquals(200, send("POST", "/fn/alice/stats/echo", "{}", key).statusCode());
    assertEquals(204, send("DELETE", "/hub/api/users/alice/functions/stats/keys/" + id, null, null).statusCode());
    assertEquals(403, send("POST", "/fn/alice/stats/echo", "{}", key).statusCode());
  }

  @Test
  void anOversizedBodyIsRefusedBeforeItIsRead() throws Exception {
    String key = publishWithKey("alice", "stats", 0);
    HttpResponse<String> refused = send("POST", "/fn/alice/stats/echo", "{\"x\": \"" + "a".repeat(2000) + "\"}", key);
    assertEquals(413, refused.statusCode());
    assertEquals("application/problem+json", refused.headers().firstValue("Content-Type").orElse(""));
  }

  @Test
  void aKeyPastItsRateGets429WithRetryAfter() throws Exception {
    String key = publishWithKey("alice", "stats", 0);
    for (int i = 0; i < 6; i++) {
      assertEquals(200, send("POST", "/fn/alice/stats/echo", "{}", key).statusCode());
    }
    HttpResponse<String> limited = send("POST", "/fn/alice/stats/echo", "{}", key);
    assertEquals(429, limited.statusCode());
    assertEquals("1", limited.headers().firstValue("Retry-After").orElse(""));
  }

  @Test
  void asyncCallsAreHandedOnWithWhatTheChecksFound() throws Exception {
    String key = publishWithKey("alice", "stats", 0);
    Handler<RoutingContext> echo = ctx -> ctx.response().setStatusCode(202).end(new JsonObject()
      .put("owner", ctx.<String>get(AsyncHandoff.OWNER)).put("function", ctx.<String>get(AsyncHandoff.FUNCTION))
      .put("key", ctx.<String>get(AsyncHandoff.KEY_ID)).put("command", ctx.<String>get(AsyncHandoff.COMMAND))
      .put("call", ctx.<JsonObject>get(AsyncHandoff.CALL)).put("id", ctx.pathParam("id")).put("method", ctx.request().method().name())
      .encode());
    invocations.handAsyncTo(new AsyncHandoff(echo, echo, echo));
    HttpResponse<String> submitted = send("POST", "/fn/alice/stats/mean?async=1", "{\"xs\": [1]}", key);
    assertEquals(202, submitted.statusCode(), submitted.body());
    JsonObject seen = new JsonObject(submitted.body());
    assertEquals("alice", seen.getString("owner"));
    assertEquals("stats", seen.getString("function"));
    assertEquals("mean", seen.getString("command"));
    assertEquals(new JsonObject().put("args", new JsonArray()).put("kwargs", new JsonObject().put("xs", new JsonArray().add(1))),
      seen.getJsonObject("call"));
    assertFalse(seen.getString("key").isEmpty());
    JsonObject read = new JsonObject(send("GET", "/fn/calls/c-1", null, key).body());
    assertEquals("c-1", read.getString("id"));
    assertEquals("stats", read.getString("function"));
    assertEquals("DELETE", new JsonObject(send("DELETE", "/fn/calls/c-1", null, key).body()).getString("method"));
    assertEquals(401, send("GET", "/fn/calls/c-1", null, null).statusCode());
    assertEquals(403, send("GET", "/fn/calls/c-1", null, "wfk_wrong").statusCode());
    assertEquals(200, send("POST", "/fn/alice/stats/echo", "{}", key).statusCode(), "without async, a call stays synchronous");
  }

  @Test
  void openApiDescribesTheCommandsFromTheRuntime() throws Exception {
    String key = publishWithKey("alice", "stats", 0);
    HttpResponse<String> described = send("GET", "/fn/alice/stats/openapi.json", null, key);
    assertEquals(200, described.statusCode(), described.body());
    JsonObject sleep = new JsonObject(described.body()).getJsonObject("paths").getJsonObject("/sleep").getJsonObject("post");
    JsonObject schema = sleep.getJsonObject("requestBody").getJsonObject("content").getJsonObject("application/json")
      .getJsonObject("schema");
    assertEquals("integer", schema.getJsonObject("properties").getJsonObject("ms").getString("type"));
    assertEquals(new JsonArray().add("ms"), schema.getJsonArray("required"));
    assertTrue(sleep.getJsonObject("responses").containsKey("504"));
  }
}
