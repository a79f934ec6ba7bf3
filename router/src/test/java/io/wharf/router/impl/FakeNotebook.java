package io.wharf.router.impl;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.wharf.session.Secrets;
import io.wharf.session.ServerRecord;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Stands in for a notebook container on 127.0.0.1: it records every request that reaches it,
 * answers with hop-by-hop headers, a {@code Server} header and CORS grants of its own (which must
 * stop at the router), echoes a POST's body, streams a chunked answer on {@code .../stream}, never
 * answers on {@code .../slow}, and echoes WebSocket text messages. It notes the requests on
 * {@code .../slow} and {@code .../stream} whose connection closed before their answer ended.
 */
final class FakeNotebook {

  /**
   * A request as the container received it; {@code body} is null for a WebSocket upgrade;
   * {@code port} is the client port of the connection it came on.
   */
  record Seen(HttpMethod method, String uri, MultiMap headers, Buffer body, int port) {
  }

  private final String name;
  private final String token = Secrets.randomHex(16);
  private final BlockingQueue<Seen> seen = new LinkedBlockingQueue<>();
  private final BlockingQueue<String> abandoned = new LinkedBlockingQueue<>();
  private int port;

  private FakeNotebook(String name) {
    this.name = name;
  }

  static Future<FakeNotebook> start(Vertx vertx, String name) {
    FakeNotebook notebook = new FakeNotebook(name);
    return vertx.createHttpServer()
      .requestHandler(notebook::answer)
      .webSocketHandler(notebook::echo)
      .listen(0, "127.0.0.1")
      .map(server -> {
        notebook.port = server.actualPort();
        return notebook;
      });
  }

  private void answer(HttpServerRequest request) {
    request.body().onSuccess(body -> {
      seen.add(new Seen(request.method(), request.uri(), copy(request.headers()), body, request.remoteAddress().port()));
      if (request.path().endsWith("/slow")) {
        // Never answers, as a container stuck in a long computation; notes when the router gives up.
        request.response().closeHandler(v -> abandoned.add(request.uri()));
        return;
      }
      if (request.path().endsWith("/big")) {
        // An answer of {@code bytes} bytes, written at once.
        request.response().putHeader("Content-Type", "application/octet-stream")
          .end(Buffer.buffer(new byte[Integer.parseInt(request.getParam("bytes"))]));
        return;
      }
      if (request.path().endsWith("/stream")) {
        // Notes a stream the router ends before it is complete.
        request.response().closeHandler(v -> abandoned.add(request.uri()));
        stream(request, Integer.parseInt(request.getParam("chunks", "3")));
        return;
      }
      request.response()
        .putHeader("Server", "TornadoServer/6.2")
        .putHeader("Access-Control-Allow-Origin", request.getHeader("Origin") == null ? "*" : request.getHeader("Origin"))
        .putHeader("Access-Control-Allow-Credentials", "true")
        .putHeader("Content-Type", "text/plain")
        .putHeader("X-Notebook", name)
        .putHeader("Connection", "keep-alive, X-Hop-Note")
        .putHeader("Keep-Alive", "timeout=5")
        .putHeader("X-Hop-Note", "for the next hop only")
        .putHeader("Proxy-Authenticate", "Basic realm=\"notebook\"")
        .end(request.method() == HttpMethod.POST ? body : Buffer.buffer("notebook " + name));
    });
  }

  /** A chunked answer, {@code chunks} numbered lines written one per event-loop turn. */
  private static void stream(HttpServerRequest request, int chunks) {
    request.response().setChunked(true).putHeader("Content-Type", "text/plain");
    writeFrom(request, 0, chunks);
  }

  private static void writeFrom(HttpServerRequest request, int i, int chunks) {
    if (i == chunks) {
      request.response().end();
      return;
    }
    request.response().write("line " + i + "\n").onSuccess(v -> writeFrom(request, i + 1, chunks));
  }

  private void echo(ServerWebSocket socket) {
    seen.add(new Seen(HttpMethod.GET, socket.uri(), copy(socket.headers()), null, socket.remoteAddress().port()));
    socket.textMessageHandler(socket::writeTextMessage);
  }

  private static MultiMap copy(MultiMap headers) {
    return MultiMap.caseInsensitiveMultiMap().addAll(headers);
  }

  /** The per-container token the router must present. */
  String token() {
    return token;
  }

  /** A record of this container running {@code user}'s server {@code server} ("" for the default one). */
  ServerRecord running(String user, String server) {
    long now = System.currentTimeMillis();
    return ServerRecord.pending(user, server, "test-instance", token, now, "").ready("container-" + name, "127.0.0.1", port, now);
  }

  /** The next request that reached the container; fails when none arrives within 5 seconds. */
  Seen next() throws InterruptedException {
    Seen request = seen.poll(5, TimeUnit.SECONDS);
    assertNotNull(request, "a request reached notebook " + name);
    return request;
  }

  /** The URI of the next {@code .../slow} request whose connection the router closed; null after {@code millis}. */
  String nextAbandoned(long millis) throws InterruptedException {
    return abandoned.poll(millis, TimeUnit.MILLISECONDS);
  }

  /** Whether no request has reached the container since the last {@link #clear()}. */
  boolean untouched() {
    return seen.isEmpty();
  }

  void clear() {
    seen.clear();
    abandoned.clear();
  }
}
