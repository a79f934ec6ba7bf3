package io.wharf.router.impl;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpConnectOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.wharf.session.ServerRecord;

/**
 * Tunnels WebSocket upgrades to the container. Each tunnel has a connection of its own towards
 * the container, outside the HTTP pool, so WebSockets never hold the slots that plain requests
 * to the same notebook wait for; their number per server is capped by
 * {@code router.max-websockets-per-server} instead (503 beyond it). The upgrade is refused (403)
 * unless its {@code Origin} is Wharf's own public origin, which stops cross-site WebSocket
 * hijacking; Jupyter then sees the public Host and Origin together and accepts the socket.
 *
 * <p>{@link WebSocketUpgrade} follows one upgrade to its end, and {@link SocketPipe} copies the
 * bytes both ways with backpressure.
 */
final class WebSocketTunnel {

  private final HttpClientAgent client;
  private final String cookieName;
  private final String publicOrigin;
  private final WebSocketCounter counter;
  private final AccessLog accessLog;
  private final int maxPerServer;
  private final long connectTimeoutMillis;

  /**
   * @param client       whose unpooled connections ({@link HttpClientAgent#connect}) carry the tunnels
   * @param publicOrigin Wharf's public origin, such as {@code https://notebooks.example.org};
   *                     null to take it from each request's Host header
   * @param accessLog    where a successful upgrade is logged; null when the access log is off
   * @param maxPerServer WebSockets one server may have open (or opening) at once, across event loops
   */
  WebSocketTunnel(HttpClientAgent client, String cookieName, String publicOrigin, WebSocketCounter counter,
                  AccessLog accessLog, int maxPerServer, long connectTimeoutMillis) {
    this.client = client;
    this.cookieName = cookieName;
    this.publicOrigin = publicOrigin;
    this.counter = counter;
    this.accessLog = accessLog;
    this.maxPerServer = maxPerServer;
    this.connectTimeoutMillis = connectTimeoutMillis;
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
    if (!counter.tryOpen(route.key(), maxPerServer)) {
      request.response().putHeader("Retry-After", "5");
      Responses.json(request, 503, "too many WebSockets to this server");
      return;
    }
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    ProxyHeaders.copyRequest(request.headers(), headers, route.token(), cookieName);
    headers.set(HttpHeaders.CONNECTION, "Upgrade").set(HttpHeaders.UPGRADE, "websocket");
    if (host != null) {
      headers.set(HttpHeaders.HOST, host);
    }
    RequestOptions upgrade = new RequestOptions()
      .setMethod(HttpMethod.GET)
      .setHost(route.host())
      .setPort(route.port())
      .setURI(TokenCredentials.withoutTokenParameter(request.uri()))
      .setHeaders(headers);
    HttpConnectOptions connect = new HttpConnectOptions().setHost(route.host()).setPort(route.port())
      .setConnectTimeout(connectTimeoutMillis);
    new WebSocketUpgrade(request, route.key(), onTraffic, () -> counter.closed(route.key()), () -> {
      if (accessLog != null) {
        accessLog.upgraded(request, System.nanoTime() - start);
      }
    }).start(client, connect, upgrade);
  }

  /**
   * Counts WebSockets per server, open or opening, to enforce the cap across event loops: a slot
   * is held from the upgrade's start until both of its sockets are closed.
   */
  interface WebSocketCounter {
    /** Takes a slot of {@code server} unless it already has {@code max}; false when refused. */
    boolean tryOpen(String server, int max);

    /** Gives back a slot of {@code server}. */
    void closed(String server);
  }
}
