package io.wharf.router.impl;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One event loop's keep-alive connections to containers for {@link FastPath}: plain Netty
 * channels on that same loop that read answers with {@link AnswerDecoder} (requests are written
 * as bytes, {@link HeadBytes}), reused one exchange at a time,
 * at most {@code max} per container; past that, up to {@code max} exchanges wait for one in
 * turn, as in Vert.x's pool. A connection idle for the idle timeout is closed, and one the
 * container closes leaves the pool (its place goes to the next exchange waiting). Not
 * thread-safe: used only on its event loop.
 */
final class BackendPool {

  /** What a pooled connection hands the container's answer and its own end to: the exchange using it. */
  interface Receiver {
    /** The answer's head (interim answers are not passed on). */
    void backendHead(AnswerHead head);

    /** A part of the answer's body, sliced from what was read: the receiver releases it. */
    void backendContent(ByteBuf content);

    /** The answer is complete. */
    void backendEnd();

    void backendReadComplete();

    void backendWritable(boolean writable);

    void backendClosed();
  }

  private static final AttributeKey<Slot> SLOT = AttributeKey.valueOf("wharf-backend-slot");

  private final EventLoop loop;
  private final Class<? extends Channel> channelType;
  private final int max;
  private final int connectTimeoutMillis;
  private final int idleSeconds;
  private final Map<String, Slot> slots = new HashMap<>();

  BackendPool(EventLoop loop, Class<? extends Channel> channelType, int max, int connectTimeoutMillis, int idleSeconds) {
    this.loop = loop;
    this.channelType = channelType;
    this.max = max;
    this.connectTimeoutMillis = connectTimeoutMillis;
    this.idleSeconds = idleSeconds;
  }

  /** One container's connections: the idle ones, how many there are in all, and the exchanges waiting for one. */
  private static final class Slot {
    final ArrayDeque<Channel> idle = new ArrayDeque<>();
    final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
    int open;
  }

  private record Waiter(Receiver receiver, Consumer<Channel> connected) {
  }

  /**
   * A connection to {@code host:port} for {@code receiver}: an idle one at once, a new one once
   * connected, or, when the container already has {@code max} connections, the first one another
   * exchange gives back ({@code connected} gets the channel, or null when it could not connect).
   * Returns false, calling nothing, when {@code max} exchanges already wait for this container:
   * the caller then serves the request another way.
   */
  boolean acquire(String host, int port, Receiver receiver, Consumer<Channel> connected) {
    String key = host + ':' + port;
    Slot slot = slots.computeIfAbsent(key, k -> new Slot());
    Channel idle = slot.idle.pollLast();
    if (idle != null) {
      link(idle).receiver = receiver;
      connected.accept(idle);
      return true;
    }
    if (slot.open < max) {
      connect(key, host, port, slot, new Waiter(receiver, connected));
      return true;
    }
    if (slot.waiting.size() >= max) {
      return false;
    }
    slot.waiting.add(new Waiter(receiver, connected));
    return true;
  }

  private void connect(String key, String host, int port, Slot slot, Waiter waiter) {
    slot.open++;
    Link link = new Link(waiter.receiver);
    ChannelFuture connecting = new Bootstrap()
      .group(loop)
      .channel(channelType)
      .option(ChannelOption.TCP_NODELAY, true)
      .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
      .handler(new ChannelInitializer<>() {
        @Override
        protected void initChannel(Channel ch) {
          // Idle is measured on reads alone: a pooled connection's last act was reading its answer, and
          // watching writes too would cost a listener on each.
          ch.pipeline().addLast(new IdleStateHandler(idleSeconds, 0, 0, TimeUnit.SECONDS), new AnswerDecoder(), link);
        }
      })
      .connect(host, port);
    Channel channel = connecting.channel();
    channel.attr(SLOT).set(slot);
    channel.closeFuture().addListener(closed -> {
      slot.open--;
      slot.idle.remove(channel);
      Waiter next = slot.waiting.poll();
      if (next != null) {
        // The connection's place goes to the next exchange waiting.
        connect(key, host, port, slot, next);
      } else if (slot.open == 0 && slots.get(key) == slot) {
        // Containers come and go on new ports: a container's entry goes with its last connection.
        slots.remove(key);
      }
    });
    connecting.addListener(done -> waiter.connected.accept(done.isSuccess() ? channel : null));
  }

  /** Gives back a connection whose exchange is over and that may carry another: the next waiting exchange's, or idle. */
  void release(Channel channel) {
    Slot slot = channel.attr(SLOT).get();
    Link link = link(channel);
    link.receiver = null;
    if (slot == null || !channel.isActive()) {
      channel.close();
      return;
    }
    channel.config().setAutoRead(true);
    Waiter next = slot.waiting.poll();
    if (next != null) {
      link.receiver = next.receiver;
      next.connected.accept(channel);
      return;
    }
    slot.idle.addLast(channel);
  }

  /** Closes a connection that must not carry another exchange, without telling its exchange. */
  void discard(Channel channel) {
    Link link = link(channel);
    if (link != null) {
      link.receiver = null;
    }
    channel.close();
  }

  /** A pooled connection's {@link Link}: its pipeline's last handler (found without a search by type). */
  private static Link link(Channel channel) {
    return channel.pipeline().last() instanceof Link link ? link : null;
  }

  /** The end of a pooled connection's pipeline: passes what it reads to the exchange using it. */
  private static final class Link extends ChannelInboundHandlerAdapter {
    Receiver receiver;

    Link(Receiver receiver) {
      this.receiver = receiver;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (receiver == null) {
        // An idle connection has nothing to say: whatever comes is a broken container's.
        ReferenceCountUtil.release(msg);
        ctx.close();
      } else if (msg instanceof ByteBuf content) {
        receiver.backendContent(content);
      } else if (msg instanceof AnswerHead head) {
        receiver.backendHead(head);
      } else if (msg == AnswerDecoder.END) {
        receiver.backendEnd();
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      if (receiver != null) {
        receiver.backendReadComplete();
      }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (receiver != null) {
        receiver.backendWritable(ctx.channel().isWritable());
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      Receiver current = receiver;
      receiver = null;
      if (current != null) {
        current.backendClosed();
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof IdleStateEvent && receiver == null) {
        ctx.close();
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
