package io.wharf.router.impl;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.internal.ContextInternal;

import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * One HTTP/1.x client connection's share of {@link FastPath}, in its pipeline just in front of
 * Vert.x's handler. Each request goes either to a {@link FastExchange} or, unchanged, to Vert.x,
 * in the order they came: a request read while an exchange is still in progress (HTTP/1.1
 * pipelining, which browsers do not use) waits, with reading stopped, until the exchange is
 * over; and while Vert.x has requests unanswered, every request goes to Vert.x, which keeps
 * their answers in order. A WebSocket upgrade removes this handler: the connection becomes a
 * tunnel, or stays Vert.x's alone.
 */
final class FastPathHandler extends ChannelDuplexHandler {

  private final FastPath fast;
  private final ContextInternal context;
  private ChannelHandlerContext ctx;
  /** Where this connection's exchanges write their answers. */
  private Http1Client client;
  private FastExchange exchange;
  /** Requests handed to Vert.x whose answer has not been written yet. */
  private int vertxPending;
  /** The current request's body goes to Vert.x. */
  private boolean bodyToVertx;
  /** What was read while an exchange was in progress and a new request began; bounded by reading being stopped. */
  private ArrayDeque<Object> waiting;
  private boolean readsStopped;
  /** What each exchange calls when it is over; one for the connection rather than one per request. */
  private final Consumer<FastExchange> over = this::exchangeOver;

  FastPathHandler(FastPath fast, ContextInternal context) {
    this.fast = fast;
    this.context = context;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.client = new Http1Client(ctx, ctx.pipeline().context(HttpsListener.ENCODER));
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (waiting != null && !waiting.isEmpty()) {
      waiting.add(msg);
      return;
    }
    dispatch(msg);
  }

  private void dispatch(Object msg) {
    if (msg instanceof HttpRequest request) {
      if (exchange != null) {
        hold(msg);
        return;
      }
      if (vertxPending == 0) {
        if (request.headers().contains(HttpHeaderNames.UPGRADE)) {
          ctx.pipeline().remove(this);
          ctx.fireChannelRead(msg);
          return;
        }
        FastExchange started = FastExchange.start(fast, context, client, request, over);
        if (started != null) {
          exchange = started;
          if (msg instanceof LastHttpContent last) {
            started.requestContent(last);
          }
          return;
        }
      }
      vertxPending++;
      bodyToVertx = !(msg instanceof LastHttpContent);
      ctx.fireChannelRead(msg);
      return;
    }
    if (bodyToVertx) {
      bodyToVertx = !(msg instanceof LastHttpContent);
      ctx.fireChannelRead(msg);
    } else if (exchange != null && msg instanceof HttpContent content && exchange.readingRequest()) {
      exchange.requestContent(content);
    } else {
      ctx.fireChannelRead(msg);
    }
  }

  private void hold(Object msg) {
    if (waiting == null) {
      waiting = new ArrayDeque<>(4);
    }
    waiting.add(msg);
    readsStopped = true;
    ctx.channel().config().setAutoRead(false);
  }

  /** The exchange is over, its answer written: what waited for it goes on, and reading resumes. */
  private void exchangeOver(FastExchange over) {
    if (exchange != over) {
      return;
    }
    exchange = null;
    if (waiting == null || waiting.isEmpty()) {
      resumeReads();
      return;
    }
    while (!waiting.isEmpty() && !(waiting.peek() instanceof HttpRequest && exchange != null)) {
      dispatch(waiting.poll());
    }
    // Outside a read of the client's: Vert.x writes what it answered once its read completes.
    ctx.fireChannelReadComplete();
    if (waiting.isEmpty()) {
      resumeReads();
    }
  }

  private void resumeReads() {
    if (readsStopped) {
      readsStopped = false;
      ctx.channel().config().setAutoRead(true);
    }
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    // Vert.x's writes only; the exchanges write from this handler's context, past it.
    if (msg instanceof LastHttpContent && vertxPending > 0
      && !(msg instanceof HttpResponse response && response.status().codeClass() == HttpStatusClass.INFORMATIONAL)) {
      vertxPending--;
    }
    ctx.write(msg, promise);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (exchange != null) {
      exchange.clientWritable(ctx.channel().isWritable());
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (exchange != null) {
      exchange.clientGone();
      exchange = null;
    }
    if (waiting != null) {
      waiting.forEach(ReferenceCountUtil::release);
      waiting.clear();
    }
    ctx.fireChannelInactive();
  }
}
