package io.wharf.router.impl;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.NetSocket;
import io.wharf.session.ServerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tunnels WebSocket upgrades to the container. The proxy library joins the two sockets without
 * flow control, so a slow client would make the router buffer without bound; here each direction
 * is forwarded by {@link #forward}, which pauses the sender while the receiver's write
 * queue is full. The upgrade is refused (403) unless its {@code Origin} is Wharf's own public
 * origin, which stops cross-site WebSocket hijacking; Jupyter then sees the public Host and
 * Origin together and accepts the socket.
 */
final class WebSocketTunnel {

  private static final Logger log = LoggerFactory.getLogger(WebSocketTunnel.class);

  private final HttpClient client;
  private final String cookieName;
  private final String publicOrigin;
  private final WebSocketCounter counter;
  private final AccessLog accessLog;

  /**
   * @param publicOrigin Wharf's public origin, such as {@code https://notebooks.example.org};
   *                     null to take it from each request's Host header
   * @param accessLog    where a successful upgrade is logged; null when the access log is off
   */
  WebSocketTunnel(HttpClient client, String cookieName, String publicOrigin, WebSocketCounter counter, AccessLog accessLog) {
    this.client = client;
    this.cookieName = cookieName;
    this.publicOrigin = publicOrigin;
    this.counter = counter;
    this.accessLog = accessLog;
  }

  static boolean isUpgrade(HttpServerRequest request) {
    return request.method() == HttpMethod.GET && request.canUpgradeToWebSocket();
  }

  /** Whether a browser's {@code Origin} header is the public origin (absent means a non-browser client). */
  static boolean originAllowed(String origin, String publicOrigin, String host) {
    if (origin == null) {
      return true;
    }
    String expected = publicOrigin != null ? publicOrigin : host == null ? null : "https://" + host;
    return expected != null && origin.equalsIgnoreCase(expected);
  }

  /** Tunnels the upgrade {@code request} to the container of {@code route}; {@code onTraffic} runs per chunk either way. */
  void open(HttpServerRequest request, ServerRecord route, Runnable onTraffic) {
    long start = accessLog != null ? System.nanoTime() : 0L;
    String host = request.authority() == null ? null : request.authority().toString();
    if (!originAllowed(request.getHeader(HttpHeaders.ORIGIN), publicOrigin, host)) {
      Responses.json(request, 403, "cross-origin WebSocket refused");
      return;
    }
    request.pause();
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(request.headers());
    BackendOrigin.prepare(headers, route.token(), cookieName);
    headers.set(HttpHeaders.CONNECTION, "Upgrade").set(HttpHeaders.UPGRADE, "websocket");
    if (host != null) {
      headers.set(HttpHeaders.HOST, host);
    }
    RequestOptions options = new RequestOptions()
      .setMethod(HttpMethod.GET)
      .setHost(route.host())
      .setPort(route.port())
      .setURI(TokenCredentials.withoutTokenParameter(request.uri()))
      .setHeaders(headers);
    client.request(options)
      // Once switched, the backend request fails when either side closes the tunnel, which is the
      // normal end of a WebSocket; without a handler Vert.x logs each one as an error.
      .compose(backendRequest -> backendRequest.exceptionHandler(err -> log.atDebug()
          .addKeyValue(RequestIds.LOG_KEY, request.getHeader(RequestIds.HEADER))
          .log("WebSocket to {} ended: {}", route.key(), err.getMessage()))
        .connect())
      .onSuccess(response -> join(request, response, onTraffic, start))
      .onFailure(err -> {
        log.atDebug().addKeyValue(RequestIds.LOG_KEY, request.getHeader(RequestIds.HEADER))
          .log("WebSocket to {} failed: {}", route.key(), err.getMessage());
        request.resume();
        Responses.json(request, 502, "the notebook server did not accept the WebSocket");
      });
  }

  private void join(HttpServerRequest request, HttpClientResponse backend, Runnable onTraffic, long start) {
    if (backend.statusCode() != 101) {
      backend.body().onComplete(body -> {
        request.resume();
        request.response().setStatusCode(backend.statusCode());
        request.response().end(body.succeeded() ? body.result() : null);
      });
      return;
    }
    NetSocket backendSocket = backend.netSocket();
    request.response().setStatusCode(101)
      .putHeader(HttpHeaders.UPGRADE, "websocket")
      .putHeader(HttpHeaders.CONNECTION, "Upgrade");
    backend.headers().forEach(h -> {
      String name = h.getKey();
      if (name.regionMatches(true, 0, "sec-websocket-", 0, 14)) {
        request.response().headers().add(name, h.getValue());
      }
    });
    request.toNetSocket().onComplete(ar -> {
      if (ar.failed()) {
        log.atDebug().addKeyValue(RequestIds.LOG_KEY, request.getHeader(RequestIds.HEADER))
          .log("WebSocket upgrade of {} failed: {}", request.path(), ar.cause().getMessage());
        backendSocket.close();
        return;
      }
      if (accessLog != null) {
        accessLog.upgraded(request, System.nanoTime() - start);
      }
      NetSocket clientSocket = ar.result();
      counter.opened();
      forward(clientSocket, backendSocket, onTraffic);
      forward(backendSocket, clientSocket, onTraffic);
      clientSocket.closeHandler(v -> backendSocket.close());
      backendSocket.closeHandler(v -> {
        clientSocket.close();
        counter.closed();
      });
    });
  }

  /**
   * Copies {@code from} to {@code to}, pausing {@code from} while {@code to}'s write queue is full
   * and resuming it once drained, so a slow reader on either side holds the sender back instead
   * of growing the router's buffers. Each chunk counts as activity of the server.
   */
  static void forward(NetSocket from, NetSocket to, Runnable onTraffic) {
    from.handler(chunk -> {
      onTraffic.run();
      to.write(chunk);
      if (to.writeQueueFull()) {
        from.pause();
        to.drainHandler(v -> from.resume());
      }
    });
    from.endHandler(v -> to.end());
    from.exceptionHandler(err -> to.close());
  }

  /** Counts open tunnels; the metrics registry observes it. */
  interface WebSocketCounter {
    void opened();

    void closed();
  }
}
