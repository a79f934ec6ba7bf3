package io.wharf.router.impl;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.flush.FlushConsolidationHandler;

import java.util.ArrayDeque;

/**
 * One side of a WebSocket tunnel on Netty's pipeline: the bytes a socket reads are passed, as
 * the very buffers Netty read them into, to the other side's channel, with no frame decoding,
 * no copy and no Vert.x stream in between. Each side flushes its peer once per batch of reads
 * (a turn of the event loop reads up to 16 times), and stops reading while its peer's
 * outbound buffer is above Netty's high-water mark, until it falls below the low one.
 *
 * <p>Installed just before Vert.x's own handler (which then sees only the close, idle and
 * error events, as its socket's close handler is what ends the tunnel). What a side reads
 * before its peer is attached is held, with reading stopped, and sent once it is.
 */
final class SocketPipe extends ChannelDuplexHandler {

  static final String NAME = "wharf-socket-pipe";
  // The name Vert.x gives the handler of its connection; the pipe goes just before it.
  private static final String VERTX_HANDLER = "handler";

  private final Runnable onTraffic;
  private ChannelHandlerContext ctx;
  private SocketPipe peer;
  private ArrayDeque<ByteBuf> early;
  private boolean read;

  private SocketPipe(Runnable onTraffic) {
    this.onTraffic = onTraffic;
  }

  /**
   * Installs a pipe on {@code channel}, before Vert.x's handler; from then on, what it reads goes
   * to the peer given to {@link #join}. {@code onTraffic} runs once per batch of reads.
   */
  static SocketPipe install(Channel channel, Runnable onTraffic) {
    SocketPipe pipe = new SocketPipe(onTraffic);
    // Each read batch is flushed once already: the flush consolidation of HTTP connections would only add a task.
    if (channel.pipeline().get(FlushConsolidationHandler.class) != null) {
      channel.pipeline().remove(FlushConsolidationHandler.class);
    }
    channel.pipeline().addBefore(VERTX_HANDLER, NAME, pipe);
    return pipe;
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
      ctx.fireChannelRead(msg);
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
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    // This side's outbound buffer crossed a water mark: the peer, which fills it, stops or resumes reading.
    if (peer != null) {
      peer.ctx.channel().config().setAutoRead(ctx.channel().isWritable());
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    releaseEarly();
    ctx.fireChannelInactive();
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
