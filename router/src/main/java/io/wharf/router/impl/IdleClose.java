package io.wharf.router.impl;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * A client connection's idle timeout in place of the {@link IdleStateHandler} Vert.x installs:
 * when nothing was read and nothing written for the timeout, it fires the same
 * {@link IdleStateEvent#ALL_IDLE_STATE_EVENT}, on which Vert.x closes the connection. It notes a
 * write when it is made rather than when the socket has taken it (a client that stops reading
 * stops the writes anyway, since the proxy waits while the connection is not writable), so it
 * needs no listener on each write's promise; those listeners were about 1.5 % of the router's
 * CPU per proxied request (bench/README.md). It checks every quarter of the timeout, so a
 * connection closes between the timeout and 1.25 times it after its last activity.
 */
final class IdleClose extends ChannelDuplexHandler {

  // The name Vert.x gives its idle handler.
  private static final String NAME = "idle";

  private final long checkNanos;
  private boolean active;
  private int quietChecks;
  private ScheduledFuture<?> check;

  private IdleClose(long timeoutMillis) {
    this.checkNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis) / 4;
  }

  /** Replaces Vert.x's idle handler on {@code pipeline}, when it is one with the all-idle timeout alone. */
  static void install(ChannelPipeline pipeline) {
    ChannelHandler installed = pipeline.get(NAME);
    if (installed instanceof IdleStateHandler idle && idle.getAllIdleTimeInMillis() > 0
      && idle.getReaderIdleTimeInMillis() == 0 && idle.getWriterIdleTimeInMillis() == 0) {
      pipeline.replace(NAME, NAME, new IdleClose(idle.getAllIdleTimeInMillis()));
    }
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (ctx.channel().isActive() && ctx.channel().isRegistered()) {
      schedule(ctx);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    if (check == null) {
      schedule(ctx);
    }
    super.channelActive(ctx);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancel();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    cancel();
    super.channelInactive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    active = true;
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    active = true;
    ctx.write(msg, promise);
  }

  private void schedule(ChannelHandlerContext ctx) {
    check = ctx.executor().schedule(() -> check(ctx), checkNanos, TimeUnit.NANOSECONDS);
  }

  private void check(ChannelHandlerContext ctx) {
    check = null;
    if (!ctx.channel().isOpen()) {
      return;
    }
    if (active) {
      active = false;
      quietChecks = 0;
    } else if (++quietChecks >= 4) {
      ctx.fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
      quietChecks = 0;
    }
    schedule(ctx);
  }

  private void cancel() {
    if (check != null) {
      check.cancel(false);
      check = null;
    }
  }
}
