package io.wharf.functions.impl.invoke;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.wharf.functions.Functions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.wharf.functions.Invocation;
import io.wharf.functions.impl.scaling.Backend;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Talks to the runtime in a function container: {@code POST /invoke/{cmd}} with
 * {@code {"args", "kwargs"}}, answered {@code {"result"}} or {@code {"error": {"type", "message"}}};
 * {@code GET /describe}. The other languages' runtimes are reached the same way.
 */
public final class RuntimeClient {

  /** What a call on a container came to; {@code broken}: the container is not to be trusted with more calls. */
  public record Outcome(Invocation.Result result, String outcome, boolean broken) {
  }

  private final Vertx vertx;
  private final HttpClient shared;
  // One client per event loop: Vert.x's pool hands any caller whichever idle connection answered
  // last, and a connection's I/O runs on the event loop that opened it, so with one client a call
  // would hop to another event loop and back. Each of these is used (and so opens its connections)
  // on its own event loop only; the threads are the event loops, a fixed few.
  private final Map<Thread, HttpClient> perEventLoop = new ConcurrentHashMap<>();

  public RuntimeClient(Vertx vertx) {
    this.vertx = vertx;
    this.shared = create();
  }

  private HttpClient create() {
    return vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true).setConnectTimeout(2_000)
      .setMetricsName(Functions.RUNTIME_CLIENT_METRICS_NAME), new PoolOptions().setHttp1MaxSize(64));
  }

  private HttpClient client() {
    Context context = Vertx.currentContext();
    if (context == null || !context.isEventLoopContext()) {
      return shared;
    }
    return perEventLoop.computeIfAbsent(Thread.currentThread(), thread -> create());
  }

  /** Runs {@code cmd} on {@code backend}; a timeout answers 504 and marks the container broken (it is recycled). */
  public Future<Outcome> invoke(Backend backend, String command, Buffer call, long timeoutMillis) {
    Promise<Outcome> promise = Promise.promise();
    long timer = vertx.setTimer(Math.max(1, timeoutMillis), id -> promise.tryComplete(new Outcome(
      Problems.result(504, "the function timed out", "no answer within " + timeoutMillis + " ms"), "timeout", true)));
    client().request(at(backend).setMethod(HttpMethod.POST).setURI("/invoke/" + command).putHeader("Content-Type", "application/json"))
      .compose(request -> {
        promise.future().onComplete(done -> {
          if (done.result() != null && "timeout".equals(done.result().outcome())) {
            request.reset();
          }
        });
        return request.send(call);
      })
      .compose(response -> response.body().map(body -> outcome(response.statusCode(), body)))
      .onComplete(ar -> {
        vertx.cancelTimer(timer);
        promise.tryComplete(ar.succeeded() ? ar.result() : new Outcome(
          Problems.result(502, "the function container failed", "the call did not complete"), "failed", true));
      });
    return promise.future();
  }

  /** The runtime's {@code /describe}: commands, parameters, type hints. */
  public Future<JsonObject> describe(Backend backend) {
    return client().request(at(backend).setMethod(HttpMethod.GET).setURI("/describe").setIdleTimeout(10_000))
      .compose(request -> request.send().compose(response -> response.body()))
      .map(Buffer::toJsonObject);
  }

  /**
   * A request to the runtime: on its Unix socket when the backend has one (no TCP, and no port relay where Docker runs one:
   * on this machine that relay cost about as much CPU per call as Wharf), else at its published port. The pools of the two
   * are apart.
   */
  static RequestOptions at(Backend backend) {
    RequestOptions options = new RequestOptions().setHost(backend.host()).setPort(backend.port());
    return backend.socket().isEmpty() ? options : options.setServer(SocketAddress.domainSocketAddress(backend.socket()));
  }

  static Outcome outcome(int status, Buffer body) {
    // The usual answer is already what the caller gets: its bytes go on as they are.
    if (status == 200 && JsonShape.isResultOnly(body)) {
      return new Outcome(new Invocation.Result(200, body), "ok", false);
    }
    JsonObject json;
    try {
      json = body.toJsonObject();
    } catch (DecodeException | ClassCastException e) {
      return new Outcome(Problems.result(502, "the function container failed", "its runtime answered something other than JSON"),
        "failed", true);
    }
    if (status == 200 && json.containsKey("result")) {
      return new Outcome(new Invocation.Result(200, new JsonObject().put("result", json.getValue("result")).toBuffer()), "ok", false);
    }
    JsonObject error = json.getJsonObject("error");
    if (status == 404) {
      String message = error == null ? "no such command" : error.getString("message", "no such command");
      return new Outcome(Problems.result(404, "no such command", message), "not_found", false);
    }
    if (error != null && (status == 500 || status == 400)) {
      if (status == 400) {
        return new Outcome(Problems.result(400, "the arguments do not fit the command",
          error.getString("type", "TypeError") + ": " + error.getString("message", "")), "bad_arguments", false);
      }
      return new Outcome(Problems.raised(error.getString("type", "Exception"), error.getString("message", "")), "error", false);
    }
    return new Outcome(Problems.result(502, "the function container failed", "its runtime answered HTTP " + status), "failed", true);
  }
}
