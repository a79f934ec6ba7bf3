package io.wharf.router.impl;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;

/** An HTTP/1.1 connection's answer, written past {@link FastPathHandler} ({@code client} is its context). */
record Http1Client(ChannelHandlerContext client) implements FastExchange.Client {

  @Override
  public Channel channel() {
    return client.channel();
  }

  @Override
  public void head(HttpResponseStatus status, HttpHeaders headers, boolean unframed) {
    if (unframed) {
      // Chunked towards the client, which keeps its connection even when the container's ends at close.
      headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    }
    client.write(new DefaultHttpResponse(HttpVersion.HTTP_1_1, status, headers), client.voidPromise());
  }

  @Override
  public void content(HttpContent content) {
    client.write(content, client.voidPromise());
  }

  @Override
  public void end(LastHttpContent last) {
    client.writeAndFlush(last, client.voidPromise());
  }

  @Override
  public void flush() {
    client.flush();
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
