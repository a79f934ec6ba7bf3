package io.wharf.session.lifecycle;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static io.wharf.session.lifecycle.LifecycleFixture.await;

/**
 * The notebooks of several users on one port, as {@code /user/{name}/...}: each answers as the
 * test says (kernels, a status, or a dropped connection), only with the token
 * {@code token-{name}}, and counts the requests it gets.
 */
final class NotebookStub {

  private final Map<String, Handler<HttpServerRequest>> answers = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
  private final HttpServer server;

  private NotebookStub(Vertx vertx) {
    server = await(vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1"));
  }

  static NotebookStub start(Vertx vertx) {
    return new NotebookStub(vertx);
  }

  int port() {
    return server.actualPort();
  }

  /** {@code user}'s notebook has kernels in these execution states. */
  NotebookStub kernels(String user, String... states) {
    JsonArray kernels = new JsonArray();
    for (String state : states) {
      kernels.add(new JsonObject().put("id", "k" + kernels.size()).put("execution_state", state));
    }
    answers.put(user, req -> req.response().putHeader("Content-Type", "application/json").end(kernels.encode()));
    return this;
  }

  /** {@code user}'s notebook answers every request with {@code status}. */
  NotebookStub status(String user, int status) {
    answers.put(user, req -> req.response().setStatusCode(status).end("{}"));
    return this;
  }

  /** {@code user}'s notebook drops the connection without answering. */
  NotebookStub silent(String user) {
    answers.put(user, req -> req.connection().close());
    return this;
  }

  /** Requests {@code user}'s notebook got so far. */
  int requests(String user) {
    AtomicInteger count = requests.get(user);
    return count == null ? 0 : count.get();
  }

  private void handle(HttpServerRequest req) {
    String[] path = req.path().split("/");
    String user = path.length > 2 && "user".equals(path[1]) ? path[2] : "";
    requests.computeIfAbsent(user, u -> new AtomicInteger()).incrementAndGet();
    Handler<HttpServerRequest> answer = answers.get(user);
    if (answer == null) {
      req.response().setStatusCode(404).end();
    } else if (!("token token-" + user).equals(req.getHeader("Authorization"))) {
      req.response().setStatusCode(403).end();
    } else {
      answer.handle(req);
    }
  }
}
