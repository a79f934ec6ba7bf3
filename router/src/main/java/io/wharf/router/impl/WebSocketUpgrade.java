package io.wharf.router.impl;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.ConnectOptions;
import io.vertx.core.net.NetClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/**
 * One WebSocket upgrade, from the client's request to the end of the tunnel: a TCP connection of
 * its own to the container, the upgrade sent on it through Netty's HTTP codec, the container's
 * 101 passed on, then the codec removed and the two channels joined by {@link SocketPipe}s. The
 * client may go away at any point, the container too; whichever happens, {@link #finish} closes
 * what is open on both sides and gives the server's slot back, once.
 *
 * <p>All of it runs on the request's event loop (the container's connection is opened from it,
 * so it shares it), so the fields need no locking.
 */
final class WebSocketUpgrade {

  private static final Logger log = LoggerFactory.getLogger(WebSocketUpgrade.class);
  // The most of a refusal's body (a 403 or 404 page from the container) passed to the client.
  private static final int MAX_REFUSAL = 64 * 1024;
  private static final String CODEC = "wharf-upgrade-codec";
  private static final String AGGREGATOR = "wharf-upgrade-aggregator";

  private final String requestId;
  private final String server;
  private final Runnable onTraffic;
  private final Runnable release;
  // Let go of once the tunnel is joined, so that an idle tunnel keeps none of the upgrade's objects.
  private HttpServerRequest request;
  private Runnable onJoined;
  private NetSocketInternal backendSocket;
  private SocketPipe backendPipe;
  private SocketPipe clientPipe;
  private boolean clientGone;
  private boolean finished;

  /**
   * @param server    the server's key, for log lines
   * @param onTraffic runs for every batch of reads, either way
   * @param release   runs once, when the tunnel (or the attempt) is over
   * @param onJoined  runs once the two sockets are joined
   */
  WebSocketUpgrade(HttpServerRequest request, String server, Runnable onTraffic, Runnable release, Runnable onJoined) {
    this.request = request;
    this.requestId = request.getHeader(RequestIds.HEADER);
    this.server = server;
    this.onTraffic = onTraffic;
    this.release = release;
    this.onJoined = onJoined;
  }

  /** Opens the container's connection with {@code client} and sends it {@code upgrade} (which it releases). */
  void start(NetClient client, ConnectOptions connect, FullHttpRequest upgrade) {
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
        upgrade.release();
        refuse(ar.cause());
        return;
      }
      backendSocket = (NetSocketInternal) ar.result();
      if (finished) {
        upgrade.release();
        backendSocket.close();
        return;
      }
      backendSocket.exceptionHandler(this::ended);
      backendSocket.closeHandler(v -> finish(true));
      ChannelPipeline pipeline = backendSocket.channelHandlerContext().pipeline();
      pipeline.addFirst(AGGREGATOR, new HttpObjectAggregator(MAX_REFUSAL));
      pipeline.addFirst(CODEC, new HttpClientCodec());
      backendSocket.messageHandler(this::answered);
      backendSocket.writeMessage(upgrade);
    });
  }

  private void answered(Object message) {
    if (!(message instanceof FullHttpResponse backend) || finished || backendPipe != null) {
      ReferenceCountUtil.release(message);
      if (!finished && backendPipe == null) {
        refuse(new IllegalStateException("unexpected answer to the upgrade: " + message.getClass().getSimpleName()));
      }
      return;
    }
    try {
      if (backend.status().code() != 101) {
        if (!clientGone) {
          request.resume();
          HttpServerResponse response = request.response().setStatusCode(backend.status().code());
          String type = backend.headers().get(HttpHeaders.CONTENT_TYPE);
          if (type != null) {
            response.putHeader(HttpHeaders.CONTENT_TYPE, type);
          }
          response.end(Buffer.buffer(ByteBufUtil.getBytes(backend.content())));
        }
        finish(false);
        return;
      }
      HttpServerResponse response = request.response().setStatusCode(101)
        .putHeader(HttpHeaders.UPGRADE, "websocket")
        .putHeader(HttpHeaders.CONNECTION, "Upgrade");
      for (Map.Entry<String, String> h : backend.headers()) {
        String name = h.getKey();
        if (name.regionMatches(true, 0, "sec-websocket-", 0, 14)) {
          response.headers().add(name, h.getValue());
        }
      }
    } finally {
      backend.release();
    }
    // From here the container's bytes are WebSocket frames: the pipe holds them (any that came
    // with the 101 are fired at it as the codec goes) until the client's side is a socket too.
    backendPipe = SocketPipe.install(backendSocket, onTraffic, () -> finish(true));
    backendSocket.channelHandlerContext().pipeline().remove(AGGREGATOR);
    backendSocket.channelHandlerContext().pipeline().remove(CODEC);
    backendSocket = null;
    request.toNetSocket().onComplete(socket -> {
      if (socket.failed()) {
        ended(socket.cause());
        finish(true);
        return;
      }
      if (finished) {
        socket.result().close();
        return;
      }
      UpgradeMetrics.switched(request);
      clientPipe = SocketPipe.install((NetSocketInternal) socket.result(), onTraffic, () -> finish(true));
      SocketPipe.join(clientPipe, backendPipe);
      onJoined.run();
      onJoined = null;
      request = null;
    });
  }

  /** The container could not be reached, or did not answer the upgrade: 502, unless the client has gone. */
  private void refuse(Throwable cause) {
    log.atDebug().addKeyValue(RequestIds.LOG_KEY, requestId)
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
    // What either side sent last (a WebSocket close frame) still reaches the other.
    if (backendPipe != null) {
      SocketPipe.closeAfterWrites(backendPipe.channel());
    } else if (backendSocket != null) {
      backendSocket.close();
    }
    if (clientPipe != null) {
      SocketPipe.closeAfterWrites(clientPipe.channel());
    } else if (closeClient && !clientGone && request != null) {
      request.connection().close();
    }
    release.run();
  }

  /**
   * Either side failing or closing is the ordinary end of a WebSocket, so it is worth a debug
   * line, not an error; and without a handler Vert.x would log each one as unhandled.
   */
  private void ended(Throwable err) {
    log.atDebug().addKeyValue(RequestIds.LOG_KEY, requestId)
      .log("WebSocket to {} ended: {}", server, err.getMessage());
  }
}
