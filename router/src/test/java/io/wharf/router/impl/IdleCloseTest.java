package io.wharf.router.impl;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

class IdleCloseTest {

  private final List<Object> events = new ArrayList<>();

  private EmbeddedChannel channel(IdleStateHandler vertxIdle) {
    EmbeddedChannel channel = new EmbeddedChannel();
    channel.pipeline().addLast("idle", vertxIdle);
    channel.pipeline().addLast("handler", new ChannelInboundHandlerAdapter() {
      @Override
      public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        events.add(evt);
      }
    });
    IdleClose.install(channel.pipeline());
    return channel;
  }

  /** Advances the channel's clock by {@code millis} in steps of 10 ms, writing and reading as {@code traffic} says. */
  private void pass(EmbeddedChannel channel, int millis, boolean writes, boolean reads) {
    for (int t = 0; t < millis; t += 10) {
      if (writes) {
        channel.writeOutbound(Unpooled.wrappedBuffer(new byte[] {1}));
        channel.releaseOutbound();
      }
      if (reads) {
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {1}));
        channel.releaseInbound();
      }
      channel.advanceTimeBy(10, TimeUnit.MILLISECONDS);
      channel.runScheduledPendingTasks();
    }
  }

  @Test
  void aConnectionIsIdleWhenNothingWasReadOrWrittenForTheTimeout() {
    EmbeddedChannel channel = channel(new IdleStateHandler(0, 0, 400, TimeUnit.MILLISECONDS));
    assertInstanceOf(IdleClose.class, channel.pipeline().get("idle"), "Vert.x's handler replaced");
    pass(channel, 1_000, true, false);
    pass(channel, 1_000, false, true);
    assertEquals(List.of(), events, "writing alone, then reading alone, keeps it");
    pass(channel, 390, false, false);
    assertEquals(List.of(), events, "not before the timeout");
    pass(channel, 120, false, false);
    assertEquals(1, events.size(), "by 1.25 times the timeout");
    assertSame(IdleStateEvent.ALL_IDLE_STATE_EVENT, events.get(0));
    channel.finishAndReleaseAll();
  }

  @Test
  void otherIdleSettingsKeepVertxsHandler() {
    EmbeddedChannel channel = channel(new IdleStateHandler(1, 0, 0, TimeUnit.SECONDS));
    assertInstanceOf(IdleStateHandler.class, channel.pipeline().get("idle"));
    channel.finishAndReleaseAll();
  }
}
