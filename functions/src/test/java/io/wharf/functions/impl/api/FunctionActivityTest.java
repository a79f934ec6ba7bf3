package io.wharf.functions.impl.api;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.wharf.functions.FunctionsOptions;
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
import io.wharf.session.testing.InMemoryState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The hub's view of a function for its page: its versions, recent invocations and its containers' log tail. */
class FunctionActivityTest {

  private static final FunctionsOptions OPTIONS = new FunctionsOptions("local", 2, 4, Duration.ofSeconds(60), Duration.ofSeconds(5),
    Duration.ofSeconds(5), 10, 1024, 0, 6, Duration.ofSeconds(5), FunctionRoutesTest.ASYNC);

  private final Vertx vertx = Vertx.vertx();
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<String> logRequests = new ArrayList<>();
  private Pools pools;
  private HttpServer server;

  @BeforeEach
  void start() {
    InMemoryFunctionStore registry = new InMemoryFunctionStore();
    FunctionMetrics metrics = new FunctionMetrics(new SimpleMeterRegistry());
    pools = new Pools(vertx, new FakeBackends(vertx, 10), new ScalingPolicy(Duration.ofSeconds(5), Duration.ofSeconds(5), 10), metrics,
      System::nanoTime, 100);
    InvocationLog log = new InvocationLog(3);
    FunctionApi api = new FunctionApi(OPTIONS, registry, (user, account, path) -> Future.succeededFuture(Secrets.sha256Hex(user + "/" + path)),
      pools, handler -> ctx -> {
        ctx.put(FunctionApi.ACCOUNT_ID, "acct-" + ctx.pathParam("name"));
        handler.handle(ctx);
      }, System::currentTimeMillis, log, (owner, fn, lines) -> {
        logRequests.add(owner + "/" + fn + ":" + lines);
        return fn.equals("broken") ? Future.failedFuture("Docker is away")
          : Future.succeededFuture(new JsonArray().add(new JsonObject().put("id", "c1").put("lines", new JsonArray().add("ready"))));
      });
    Router router = Router.router(vertx);
    router.route("/hub/*").handler(BodyHandler.create(false));
    api.mount(router);
    Dispatcher dispatcher = new Dispatcher(registry, pools, new RuntimeClient(vertx), metrics, log);
    router.route("/fn/*").handler(new InvocationHandler(OPTIONS, registry, dispatcher, new InMemoryState().rateLimits()));
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

  private String publishWithKey(String fn) throws Exception {
    assertEquals(201, send("POST", "/hub/api/users/alice/functions/" + fn, "{\"path\": \"functions/" + fn + "\"}", null).statusCode());
    return new JsonObject(send("POST", "/hub/api/users/alice/functions/" + fn + "/keys", "{}", null).body()).getString("key");
  }

  private JsonArray invocations(String fn) throws Exception {
    HttpResponse<String> listed = send("GET", "/hub/api/users/alice/functions/" + fn + "/invocations", null, null);
    assertEquals(200, listed.statusCode(), listed.body());
    return new JsonObject(listed.body()).getJsonArray("invocations");
  }

  @Test
  void recentInvocationsAreListedNewestFirstWithStatusAndDurationInABoundedRing() throws Exception {
    String key = publishWithKey("stats");
    assertEquals(0, invocations("stats").size());
    assertEquals(200, send("POST", "/fn/alice/stats/sleep", "{\"ms\": 30}", key).statusCode());
    assertEquals(500, send("POST", "/fn/alice/stats/boom", "{}", key).statusCode());
    JsonArray two = invocations("stats");
    assertEquals(2, two.size());
    assertEquals("boom", two.getJsonObject(0).getString("command"));
    assertEquals(500, two.getJsonObject(0).getInteger("status"));
    assertEquals("sleep", two.getJsonObject(1).getString("command"));
    assertEquals(200, two.getJsonObject(1).getInteger("status"));
    assertTrue(two.getJsonObject(1).getDouble("duration_ms") >= 30, two.encode());
    assertEquals(401, send("POST", "/fn/alice/stats/echo", "{}", null).statusCode());
    assertEquals(2, invocations("stats").size(), "a call refused before the dispatcher is not an invocation");
    for (int i = 0; i < 3; i++) {
      assertEquals(200, send("POST", "/fn/alice/stats/echo", "{}", key).statusCode());
    }
    JsonArray ring = invocations("stats");
    assertEquals(3, ring.size());
    assertTrue(ring.stream().map(JsonObject.class::cast).allMatch(e -> e.getString("command").equals("echo")), ring.encode());
  }

  @Test
  void aDeletedFunctionsInvocationsAreForgottenAndAnotherUsersAreNotShown() throws Exception {
    String key = publishWithKey("stats");
    assertEquals(200, send("POST", "/fn/alice/stats/echo", "{}", key).statusCode());
    assertEquals(404, send("GET", "/hub/api/users/bob/functions/stats/invocations", null, null).statusCode());
    assertEquals(204, send("DELETE", "/hub/api/users/alice/functions/stats", null, null).statusCode());
    publishWithKey("stats");
    assertEquals(0, invocations("stats").size());
  }

  @Test
  void theLogTailComesFromTheContainerManagerWithBoundedLines() throws Exception {
    publishWithKey("stats");
    HttpResponse<String> tail = send("GET", "/hub/api/users/alice/functions/stats/logs?lines=20", null, null);
    assertEquals(200, tail.statusCode(), tail.body());
    assertEquals("ready", new JsonObject(tail.body()).getJsonArray("containers").getJsonObject(0).getJsonArray("lines").getString(0));
    assertEquals(200, send("GET", "/hub/api/users/alice/functions/stats/logs?lines=100000", null, null).statusCode());
    assertEquals(200, send("GET", "/hub/api/users/alice/functions/stats/logs", null, null).statusCode());
    assertEquals(List.of("alice/stats:20", "alice/stats:500", "alice/stats:100"), logRequests);
    assertEquals(400, send("GET", "/hub/api/users/alice/functions/stats/logs?lines=x", null, null).statusCode());
    publishWithKey("broken");
    assertEquals(503, send("GET", "/hub/api/users/alice/functions/broken/logs", null, null).statusCode());
    assertEquals(404, send("GET", "/hub/api/users/alice/functions/none/logs", null, null).statusCode());
  }

  @Test
  void aFunctionsReadListsItsPublishedVersionsNewestFirst() throws Exception {
    publishWithKey("stats");
    assertEquals(200, send("POST", "/hub/api/users/alice/functions/stats", "{\"path\": \"functions/other\"}", null).statusCode());
    JsonArray versions = new JsonObject(send("GET", "/hub/api/users/alice/functions/stats", null, null).body()).getJsonArray("versions");
    assertEquals(2, versions.size());
    assertEquals(Secrets.sha256Hex("alice/functions/other"), versions.getJsonObject(0).getString("version"));
    assertEquals(Secrets.sha256Hex("alice/functions/stats"), versions.getJsonObject(1).getString("version"));
  }
}
