package io.wharf.router.impl;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.core.spi.metrics.NetworkMetrics;
import io.vertx.core.spi.metrics.TCPMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;

/**
 * One side of a WebSocket tunnel on Netty's pipeline: the bytes a socket reads are passed, as
 * the very buffers Netty read them into, to the other side's channel, with no frame decoding,
 * no copy and no Vert.x stream in between. Each side flushes its peer once per batch of reads
 * (a turn of the event loop reads up to 16 times), and stops reading while its peer's
 * outbound buffer is above Netty's high-water mark, until it falls below the low one.
 *
 * <p>Installed in place of Vert.x's handler of the socket, so that nothing of Vert.x's HTTP
 * connection, request or socket objects (each with its own write queue) stays reachable from an
 * idle tunnel: the pipe itself handles the channel's close (it runs the tunnel's end), its idle
 * timeout and its errors, and reports the disconnection to the socket's metrics as Vert.x would.
 * What a side reads before its peer is attached is held, with reading stopped, and sent once it is.
 */
final class SocketPipe extends ChannelDuplexHandler {

  static final String NAME = "wharf-socket-pipe";
  private static final Logger log = LoggerFactory.getLogger(SocketPipe.class);
  // The name Vert.x gives the handler of its connection, which the pipe replaces.
  private static final String VERTX_HANDLER = "handler";

  private final Runnable onTraffic;
  private final Runnable onClose;
  private final TCPMetrics<Object> metrics;
  private final Object metric;
  private final SocketAddress remoteAddress;
  private ChannelHandlerContext ctx;
  private SocketPipe peer;
  private ArrayDeque<ByteBuf> early;
  private boolean read;

  @SuppressWarnings("unchecked")
  private SocketPipe(Runnable onTraffic, Runnable onClose, NetworkMetrics<?> metrics, Object metric, SocketAddress remoteAddress) {
    this.onTraffic = onTraffic;
    this.onClose = onClose;
    this.metrics = metrics instanceof TCPMetrics<?> tcp ? (TCPMetrics<Object>) tcp : null;
    this.metric = metric;
    this.remoteAddress = remoteAddress;
  }

  /**
   * Puts a pipe in place of Vert.x's handler of {@code socket}; from then on, what it reads goes
   * to the peer given to {@link #join}. {@code onTraffic} runs once per batch of reads,
   * {@code onClose} once the channel is closed. Run on the socket's event loop.
   */
  static SocketPipe install(NetSocketInternal socket, Runnable onTraffic, Runnable onClose) {
    ConnectionBase connection = (ConnectionBase) socket;
    SocketPipe pipe = new SocketPipe(onTraffic, onClose, connection.metrics(), connection.metric(), connection.remoteAddress());
    Channel channel = socket.channelHandlerContext().channel();
    // Each read batch is flushed once already: the flush consolidation of HTTP connections would only add a task.
    if (channel.pipeline().get(FlushConsolidationHandler.class) != null) {
      channel.pipeline().remove(FlushConsolidationHandler.class);
    }
    channel.pipeline().replace(VERTX_HANDLER, NAME, pipe);
    return pipe;
  }

  Channel channel() {
    return ctx.channel();
  }

  /** Joins two installed pipes both ways; what either held is sent and both read on. Run on their event loop. */
  static void join(SocketPipe a, SocketPipe b) {
    a.peer = b;
    b.peer = a;
    a.sendEarly();
    b.sendEarly();
    a.ctx.channel().config().setAutoRead(b.ctx.channel().isWritable());
    b.ctx.channel().config().setAutoRead(a.ctx.channel().isWritable());
  }

  /**
   * Closes {@code channel} once what was written to it has been flushed to the kernel; a close
   * from Vert.x or the channel itself would drop what is still in Netty's outbound buffer, such
   * as the peer's last WebSocket close frame.
   */
  static void closeAfterWrites(Channel channel) {
    if (channel.isActive()) {
      channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    } else {
      channel.close();
    }
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    releaseEarly();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf buf)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (peer == null) {
      if (early == null) {
        early = new ArrayDeque<>(2);
      }
      early.add(buf);
      ctx.channel().config().setAutoRead(false);
      return;
    }
    read = true;
    peer.ctx.write(buf, peer.ctx.voidPromise());
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (read) {
      read = false;
      onTraffic.run();
      peer.ctx.flush();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    // This side's outbound buffer crossed a water mark: the peer, which fills it, stops or resumes reading.
    if (peer != null) {
      peer.ctx.channel().config().setAutoRead(ctx.channel().isWritable());
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    releaseEarly();
    if (metrics != null) {
      metrics.disconnected(metric, remoteAddress);
    }
    onClose.run();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (event instanceof IdleStateEvent) {
      ctx.close();
    }
    ReferenceCountUtil.release(event);
  }

  /** Either side failing is an ordinary end of a WebSocket: a debug line, and the tunnel closes. */
  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("WebSocket tunnel's socket failed: {}", cause.toString());
    ctx.close();
  }

  private void sendEarly() {
    if (early == null) {
      return;
    }
    while (!early.isEmpty()) {
      peer.ctx.write(early.poll(), peer.ctx.voidPromise());
    }
    early = null;
    peer.ctx.flush();
    onTraffic.run();
  }

  private void releaseEarly() {
    if (early != null) {
      while (!early.isEmpty()) {
        early.poll().release();
      }
      early = null;
    }
  }
}
