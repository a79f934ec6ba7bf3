package io.wharf.router.impl;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslHandler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * Batches the flushes of a client's HTTP/2 connection within one turn of its event loop. A
 * proxied response is written while the loop handles the container's connection, so it is flushed
 * at once: the answers to ten streams that arrive in one turn each became a TLS record and a
 * system call of their own. With Netty's {@link FlushConsolidationHandler} just inside the TLS
 * handler, they are encrypted and sent together at the end of the turn.
 *
 * <p>Not on HTTP/1.x connections, which have one answer under way at a time: there the handler
 * could only defer each answer's flush to a task of its own (about 1.5 % of the event loops'
 * samples in a profile of the HTTP/1.1 bench, the task and its queue) and delay it.
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
