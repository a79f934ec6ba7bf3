package io.wharf.router.impl;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * An HTTP/1.1 connection's answer. Its head and body go out as bytes ({@link HeadBytes}) from
 * {@code raw}, the context of Vert.x's response encoder, so that they pass neither the encoder
 * nor the handlers after it; the router's own errors go through them from {@code client}, the
 * context of {@link FastPathHandler}. Both are written only between Vert.x's answers, which the
 * handler keeps apart.
 */
final class Http1Client implements FastExchange.Client {

  private final ChannelHandlerContext client;
  private final ChannelHandlerContext raw;
  /** The connection's last cookie, for {@link FastPath#route}. */
  final CookieAuthenticator.Memo cookies = new CookieAuthenticator.Memo();
  /** The current answer's body is sent chunked. */
  private boolean chunked;

  Http1Client(ChannelHandlerContext client, ChannelHandlerContext raw) {
    this.client = client;
    this.raw = raw;
  }

  @Override
  public Channel channel() {
    return client.channel();
  }

  @Override
  public void head(HttpResponseStatus status, FastExchange exchange, boolean unframed) {
    HeadBytes head = HeadBytes.response(raw.alloc(), status);
    exchange.answerHeaders(head);
    chunked = unframed;
    if (unframed) {
      // Chunked towards the client, which keeps its connection even when the container's ends at close.
      head.add(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    }
    raw.write(head.end(), raw.voidPromise());
  }

  @Override
  public void content(ByteBuf content) {
    ByteBuf bytes = chunked ? HeadBytes.chunk(raw.alloc(), content) : content;
    if (bytes == null) {
      return;
    }
    if (bytes.isReadable()) {
      raw.write(bytes, raw.voidPromise());
    } else {
      bytes.release();
    }
  }

  @Override
  public void end() {
    // Trailers from the container, if any, are not passed on (nor are they over HTTP/2).
    if (chunked) {
      raw.write(HeadBytes.lastChunk(), raw.voidPromise());
    }
    raw.flush();
  }

  @Override
  public void flush() {
    raw.flush();
  }

  @Override
  public boolean writable() {
    return client.channel().isWritable();
  }

  @Override
  public void error(FullHttpResponse response) {
    client.writeAndFlush(response);
  }

  @Override
  public void broken() {
    client.close();
  }

  @Override
  public void readRequest(boolean read) {
    client.channel().config().setAutoRead(read);
  }
}
