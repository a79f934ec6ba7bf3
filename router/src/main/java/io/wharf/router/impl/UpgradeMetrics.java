package io.wharf.router.impl;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.impl.Http1xServerRequest;
import io.vertx.core.http.impl.Http1xServerResponse;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.core.spi.metrics.HttpServerMetrics;

/**
 * Vert.x's HTTP server metrics for a request upgraded to a WebSocket tunnel. Vert.x ends the
 * upgrade's request in its metrics when the raw socket it made closes; the tunnel lets go of
 * that socket (see {@link SocketPipe}), so the request is ended here, once the 101 is sent, and
 * the pipe reports the connection's close.
 */
final class UpgradeMetrics {

  private UpgradeMetrics() {
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  static void switched(HttpServerRequest request) {
    if (request instanceof Http1xServerRequest http1 && http1.metric() != null
      && request.connection() instanceof ConnectionBase connection && connection.metrics() instanceof HttpServerMetrics metrics
      && request.response() instanceof Http1xServerResponse response) {
      metrics.responseEnd(http1.metric(), response, response.bytesWritten());
    }
  }
}
