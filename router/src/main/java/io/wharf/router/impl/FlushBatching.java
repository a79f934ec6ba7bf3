package io.wharf.router.impl;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslHandler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * Batches the flushes of a client's connection within one turn of its event loop. A proxied
 * response is written while the loop handles the container's connection, so Vert.x flushes it
 * at once: over HTTP/2, the answers to ten streams that arrive in one turn each became a TLS
 * record and a system call of their own. With Netty's {@link FlushConsolidationHandler} just
 * inside the TLS handler, they are encrypted and sent together at the end of the turn.
 *
 * <p>HTTP/1.x connections keep it too, though each has one answer under way at a time and the
 * handler defers its flush to a task: without it, the kernel's time per request rose by more than
 * the task costs (bench/README.md, "One event loop per core").
 */
final class FlushBatching {

  private static final String NAME = "wharf-flush-batching";

  private FlushBatching() {
  }

  /** Installs the batching on {@code connection}'s pipeline, inside its TLS handler; a no-op without one. */
  static void install(HttpConnection connection) {
    if (!(connection instanceof ConnectionBase base)) {
      return;
    }
    ChannelPipeline pipeline = base.channelHandlerContext().pipeline();
    ChannelHandlerContext ssl = pipeline.context(SslHandler.class);
    if (ssl != null && pipeline.get(NAME) == null) {
      pipeline.addAfter(ssl.name(), NAME, new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
    }
  }
}
