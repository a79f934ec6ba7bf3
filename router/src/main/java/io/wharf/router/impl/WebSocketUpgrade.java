package io.wharf.router.impl;

import io.vertx.core.AsyncResult;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientConnection;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpConnectOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.NetSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket upgrade, from the client's request to the end of the tunnel: a connection of its
 * own to the container, the upgrade sent on it, the container's 101 passed on, and the two raw
 * sockets joined. The client may go away at any point, the container too; whichever happens,
 * {@link #finish} closes what is open on both sides and gives the server's slot back, once.
 *
 * <p>All of it runs on the request's event loop, so the fields need no locking.
 */
final class WebSocketUpgrade {

  private static final Logger log = LoggerFactory.getLogger(WebSocketUpgrade.class);

  private final HttpServerRequest request;
  private final String server;
  private final Runnable onTraffic;
  private final Runnable release;
  private final Runnable onJoined;
  private HttpClientConnection backendConnection;
  private NetSocket backendSocket;
  private NetSocket clientSocket;
  private boolean clientGone;
  private boolean finished;

  /**
   * @param server    the server's key, for log lines
   * @param onTraffic runs for every chunk, either way
   * @param release   runs once, when the tunnel (or the attempt) is over
   * @param onJoined  runs once the two sockets are joined
   */
  WebSocketUpgrade(HttpServerRequest request, String server, Runnable onTraffic, Runnable release, Runnable onJoined) {
    this.request = request;
    this.server = server;
    this.onTraffic = onTraffic;
    this.release = release;
    this.onJoined = onJoined;
  }

  void start(HttpClientAgent client, HttpConnectOptions connect, RequestOptions upgrade) {
    request.pause();
    HttpServerResponse response = request.response();
    // Until the client's connection is a raw socket, its close is reported here: a client that
    // goes away while the container is still answering must not leave the container's side open.
    response.closeHandler(v -> {
      clientGone = true;
      finish(true);
    });
    response.exceptionHandler(this::ended);
    request.exceptionHandler(this::ended);
    client.connect(connect).onComplete(ar -> {
      if (ar.failed()) {
        refuse(ar.cause());
        return;
      }
      backendConnection = ar.result();
      backendConnection.exceptionHandler(this::ended);
      if (finished) {
        backendConnection.close();
        return;
      }
      backendConnection.request(upgrade)
        .compose(backendRequest -> backendRequest.exceptionHandler(this::ended).connect())
        .onComplete(this::answered);
    });
  }

  private void answered(AsyncResult<HttpClientResponse> ar) {
    if (finished) {
      // finish closed the connection, and with it whatever the container answered.
      return;
    }
    if (ar.failed()) {
      refuse(ar.cause());
      return;
    }
    HttpClientResponse backend = ar.result();
    if (backend.statusCode() != 101) {
      backend.body().onComplete(body -> {
        if (!clientGone) {
          request.resume();
          HttpServerResponse response = request.response().setStatusCode(backend.statusCode());
          String type = backend.getHeader(HttpHeaders.CONTENT_TYPE);
          if (type != null) {
            response.putHeader(HttpHeaders.CONTENT_TYPE, type);
          }
          response.end(body.succeeded() ? body.result() : null);
        }
        finish(false);
      });
      return;
    }
    backendSocket = backend.netSocket();
    // Held until the client's side is a socket too: data read before a handler is set is lost.
    backendSocket.pause();
    backendSocket.exceptionHandler(this::ended);
    backendSocket.closeHandler(v -> finish(true));
    HttpServerResponse response = request.response().setStatusCode(101)
      .putHeader(HttpHeaders.UPGRADE, "websocket")
      .putHeader(HttpHeaders.CONNECTION, "Upgrade");
    backend.headers().forEach(h -> {
      String name = h.getKey();
      if (name.regionMatches(true, 0, "sec-websocket-", 0, 14)) {
        response.headers().add(name, h.getValue());
      }
    });
    request.toNetSocket().onComplete(socket -> {
      if (socket.failed()) {
        ended(socket.cause());
        finish(true);
        return;
      }
      clientSocket = socket.result();
      if (finished) {
        clientSocket.close();
        return;
      }
      clientSocket.exceptionHandler(this::ended);
      clientSocket.closeHandler(v -> finish(true));
      onJoined.run();
      SocketPipe.join(clientSocket, backendSocket, onTraffic);
    });
  }

  /** The container could not be reached, or did not answer the upgrade: 502, unless the client has gone. */
  private void refuse(Throwable cause) {
    log.atDebug().addKeyValue(RequestIds.LOG_KEY, request.getHeader(RequestIds.HEADER))
      .log("WebSocket to {} failed: {}", server, cause.getMessage());
    if (!clientGone && !finished) {
      request.resume();
      Responses.json(request, 502, "the notebook server did not accept the WebSocket");
    }
    finish(false);
  }

  /**
   * Ends the attempt or the tunnel: closes the container's side, and the client's connection
   * unless {@code closeClient} is false (it got an answer and may send further requests).
   */
  private void finish(boolean closeClient) {
    if (finished) {
      return;
    }
    finished = true;
    if (backendSocket != null) {
      backendSocket.close();
    } else if (backendConnection != null) {
      backendConnection.close();
    }
    if (clientSocket != null) {
      clientSocket.close();
    } else if (closeClient && !clientGone) {
      request.connection().close();
    }
    release.run();
  }

  /**
   * Either side failing or closing is the ordinary end of a WebSocket, so it is worth a debug
   * line, not an error; and without a handler Vert.x would log each one as unhandled.
   */
  private void ended(Throwable err) {
    log.atDebug().addKeyValue(RequestIds.LOG_KEY, request.getHeader(RequestIds.HEADER))
      .log("WebSocket to {} ended: {}", server, err.getMessage());
  }
}
