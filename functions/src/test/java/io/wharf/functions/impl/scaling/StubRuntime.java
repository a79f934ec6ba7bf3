package io.wharf.functions.impl.scaling;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The runtime protocol in one Vert.x server, for tests: {@code POST /invoke/sleep} waits
 * {@code kwargs.ms} and answers the version, {@code boom} raises, {@code echo} returns the call;
 * an unknown command answers 404. It counts calls in flight and the most at once.
 */
public final class StubRuntime {

  private final Vertx vertx;
  private final String version;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private HttpServer server;

  private StubRuntime(Vertx vertx, String version) {
    this.vertx = vertx;
    this.version = version;
  }

  public static Future<StubRuntime> start(Vertx vertx, String version) {
    StubRuntime stub = new StubRuntime(vertx, version);
    stub.server = vertx.createHttpServer().requestHandler(stub::handle);
    return stub.server.listen(0, "127.0.0.1").map(s -> stub);
  }

  public int port() {
    return server.actualPort();
  }

  public int inFlight() {
    return inFlight.get();
  }

  public int maxInFlight() {
    return maxInFlight.get();
  }

  public Future<Void> close() {
    return server.close();
  }

  private void handle(HttpServerRequest request) {
    if (request.path().equals("/describe")) {
      request.response().putHeader("Content-Type", "application/json").end(new JsonObject().put("commands", new io.vertx.core.json.JsonArray()
        .add(new JsonObject().put("name", "sleep").put("doc", "Sleeps.").put("returns", "string").put("parameters",
          new io.vertx.core.json.JsonArray().add(new JsonObject().put("name", "ms").put("kind", "positional").put("type", "integer")
            .put("required", true))))).encode());
      return;
    }
    request.body().onSuccess(body -> {
      int now = inFlight.incrementAndGet();
      maxInFlight.accumulateAndGet(now, Math::max);
      JsonObject call = body.toJsonObject();
      String command = request.path().substring("/invoke/".length());
      switch (command) {
        case "sleep" -> vertx.setTimer(Math.max(1, call.getJsonObject("kwargs").getLong("ms", 1L)), t ->
          answer(request, 200, new JsonObject().put("result", version)));
        case "echo" -> answer(request, 200, new JsonObject().put("result", call));
        case "boom" -> answer(request, 500, new JsonObject().put("error",
          new JsonObject().put("type", "ValueError").put("message", "bad input")));
        default -> answer(request, 404, new JsonObject().put("error",
          new JsonObject().put("type", "NotFound").put("message", "no command " + command)));
      }
    });
  }

  private void answer(HttpServerRequest request, int status, JsonObject body) {
    inFlight.decrementAndGet();
    request.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }
}
