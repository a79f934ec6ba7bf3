package io.wharf.router.impl;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.impl.Http1xServerConnection;
import io.vertx.core.http.impl.Http2ServerConnection;
import io.vertx.core.net.impl.ConnectionBase;
import io.wharf.router.RouterOptions;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The router's HTTPS listener, one per event loop, sharing one port: Vert.x's server with the
 * request decoder replaced by {@link StrictRequestDecoder} on every HTTP/1.x connection (which
 * also times out slow request heads), and a bound on connections per client address. One
 * instance serves every event loop's server, so the count is the process's.
 */
public final class HttpsListener {

  // The name Vert.x gives its decoder; kept, since Vert.x removes it by name on a WebSocket upgrade.
  private static final String DECODER = "httpDecoder";
  // The name of Vert.x's response encoder: the fast path writes its answers as bytes past it.
  static final String ENCODER = "httpEncoder";
  // The name of Vert.x's own handler at the end of the pipeline, and of the fast path in front of it.
  private static final String VERTX_HANDLER = "handler";
  private static final String FAST_PATH = "wharf-fast-path";

  private final HttpServerOptions options;
  private final long headTimeoutMillis;
  private final ConnectionsPerAddress perAddress;
  private final long certificateCheckMillis;
  private final AtomicBoolean watching = new AtomicBoolean();

  private HttpsListener(HttpServerOptions options, long headTimeoutMillis, int maxConnectionsPerAddress, long certificateCheckMillis) {
    this.options = options;
    this.headTimeoutMillis = headTimeoutMillis;
    this.perAddress = new ConnectionsPerAddress(maxConnectionsPerAddress);
    this.certificateCheckMillis = certificateCheckMillis;
  }

  /**
   * @param options the HTTPS server's options, as {@link TlsOptions#server} makes them, with host and port
   * @param router  the request-header timeout, the connections allowed per client address, and how often
   *                the certificate files are checked for a change
   */
  public static HttpsListener create(HttpServerOptions options, RouterOptions router) {
    return new HttpsListener(options, router.requestHeaderTimeoutMillis(), router.maxConnectionsPerAddress(),
      router.tlsReloadMillis());
  }

  /**
   * Listens with {@code handler} for well-formed requests; completes once bound. The servers of
   * all event loops share one listener and its TLS context, so the first one bound watches the
   * certificate for all.
   */
  Future<HttpServer> listen(Vertx vertx, Handler<HttpServerRequest> handler) {
    return listen(vertx, handler, null);
  }

  /** The same, with {@code fastPath} (this event loop's; null for none) in front of Vert.x on HTTP/1.x and HTTP/2 connections. */
  Future<HttpServer> listen(Vertx vertx, Handler<HttpServerRequest> handler, FastPath fastPath) {
    return vertx.createHttpServer(options)
      .connectionHandler(connection -> connected(connection, fastPath))
      .invalidRequestHandler(HttpsListener::invalid)
      .requestHandler(handler)
      .listen()
      .onSuccess(server -> {
        if (watching.compareAndSet(false, true)) {
          CertificateWatch.start(vertx, server, options.getSslOptions(), certificateCheckMillis);
        }
      });
  }

  private void connected(HttpConnection connection, FastPath fastPath) {
    if (perAddress.limited()) {
      String address = connection.remoteAddress().hostAddress();
      if (!perAddress.open(address)) {
        connection.close();
        return;
      }
      // The channel's close, not the connection's: a connection upgraded to a WebSocket tunnel is
      // no longer Vert.x's HTTP connection, whose close handler then never runs.
      if (connection instanceof ConnectionBase base) {
        base.channelHandlerContext().channel().closeFuture().addListener(closed -> perAddress.closed(address));
      } else {
        connection.closeHandler(closed -> perAddress.closed(address));
      }
    }
    FlushBatching.install(connection);
    if (connection instanceof ConnectionBase base) {
      IdleClose.install(base.channelHandlerContext().pipeline());
    }
    if (connection instanceof Http1xServerConnection http1) {
      // Runs on the connection's event loop before it reads a byte of HTTP.
      ChannelPipeline pipeline = http1.channelHandlerContext().pipeline();
      pipeline.replace(DECODER, DECODER, new StrictRequestDecoder(options, headTimeoutMillis));
      if (fastPath != null && pipeline.get(VERTX_HANDLER) != null && pipeline.get(ENCODER) != null) {
        pipeline.addBefore(VERTX_HANDLER, FAST_PATH, fastPath.handler(http1.context()));
      }
    } else if (connection instanceof Http2ServerConnection http2) {
      awaitFirstStream(http2.channelHandlerContext());
      if (fastPath != null) {
        Http2FastStreams.install(fastPath, http2.context(), http2.channelHandlerContext());
      }
    }
  }

  /**
   * HTTP/2 (known once the client's first SETTINGS frame arrives): a connection whose client has
   * not completed a request's HEADERS within the header timeout is closed. Later requests share
   * the connection's idle timeout, as HTTP/1.x's time between requests does.
   */
  private void awaitFirstStream(ChannelHandlerContext context) {
    Http2ConnectionHandler codec = context.pipeline().get(Http2ConnectionHandler.class);
    if (codec == null) {
      return;
    }
    context.executor().schedule(() -> {
      if (codec.connection().remote().lastStreamCreated() == 0) {
        context.close();
      }
    }, headTimeoutMillis, TimeUnit.MILLISECONDS);
  }

  /** A request the decoder refused: 400 (HSTS too, as on every answer), then the connection is closed. */
  private static void invalid(HttpServerRequest request) {
    request.response().headers().set(SecurityHeadersHandler.HSTS_HEADER, SecurityHeadersHandler.HSTS);
    HttpServerRequest.DEFAULT_INVALID_REQUEST_HANDLER.handle(request);
  }
}
