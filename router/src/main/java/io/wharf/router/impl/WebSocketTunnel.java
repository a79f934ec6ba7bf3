package io.wharf.router.impl;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.ConnectOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.wharf.session.ServerRecord;

import java.util.Map;

/**
 * Tunnels WebSocket upgrades to the container. Each tunnel has a connection of its own towards
 * the container, outside the HTTP pool, so WebSockets never hold the slots that plain requests
 * to the same notebook wait for; their number per server is capped by
 * {@code router.max-websockets-per-server} instead (503 beyond it). The upgrade is refused (403)
 * unless its {@code Origin} is Wharf's own public origin, which stops cross-site WebSocket
 * hijacking; Jupyter then sees the public Host and Origin together and accepts the socket.
 *
 * <p>{@link WebSocketUpgrade} follows one upgrade to its end, and {@link SocketPipe} passes the
 * bytes both ways on Netty's pipeline, with backpressure.
 */
final class WebSocketTunnel {

  private final NetClient client;
  private final String cookieName;
  private final String publicOrigin;
  private final WebSocketCounter counter;
  private final AccessLog accessLog;
  private final int maxPerServer;

  /**
   * @param vertx        whose TCP client (one per tunnel instance, so per event loop) carries the tunnels
   * @param publicOrigin Wharf's public origin, such as {@code https://notebooks.example.org};
   *                     null to take it from each request's Host header
   * @param accessLog    where a successful upgrade is logged; null when the access log is off
   * @param maxPerServer WebSockets one server may have open (or opening) at once, across event loops
   * @param idleTimeoutSeconds a tunnel with no traffic either way is closed after this long; 0 for never
   */
  WebSocketTunnel(Vertx vertx, String cookieName, String publicOrigin, WebSocketCounter counter,
                  AccessLog accessLog, int maxPerServer, int connectTimeoutMillis, int idleTimeoutSeconds) {
    this.client = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true).setIdleTimeout(idleTimeoutSeconds)
      .setConnectTimeout(connectTimeoutMillis));
    this.cookieName = cookieName;
    this.publicOrigin = publicOrigin;
    this.counter = counter;
    this.accessLog = accessLog;
    this.maxPerServer = maxPerServer;
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

  /** Tunnels the upgrade {@code request} to the container of {@code route}; {@code onTraffic} runs per batch of reads either way. */
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
    headers.set(HttpHeaders.HOST, host != null ? host : route.host() + ":" + route.port());
    DefaultFullHttpRequest upgrade = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, io.netty.handler.codec.http.HttpMethod.GET,
      TokenCredentials.withoutTokenParameter(request.uri()), Unpooled.EMPTY_BUFFER);
    for (Map.Entry<String, String> header : headers) {
      upgrade.headers().add(header.getKey(), header.getValue());
    }
    ConnectOptions connect = new ConnectOptions().setHost(route.host()).setPort(route.port());
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
