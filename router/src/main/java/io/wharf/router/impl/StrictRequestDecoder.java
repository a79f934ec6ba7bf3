package io.wharf.router.impl;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;

import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Vert.x's HTTP/1.x request decoder, refusing what could frame a request differently here than
 * in a proxy in front (RFC 9112 §6.1 and §5.2): {@code Transfer-Encoding} other than one
 * {@code chunked} (its name is case-insensitive, so {@code CHUNKED} is chunked), together with
 * {@code Content-Length}, or on HTTP/1.0; and obsolete line folding. Such a request becomes an
 * invalid one, which the server answers with 400 and closes the connection after; the decoder
 * reads nothing more from it, so a request smuggled in the body is never parsed.
 *
 * <p>It also closes a connection whose client takes longer than the header timeout to send a
 * request's head, counted from the connection's start or from the head's first byte (the time
 * between requests is the idle timeout's). One timer task per connection and timeout period, not
 * per request: it reschedules itself from the time the current head began.
 *
 * <p>Netty already refuses repeated {@code Content-Length}, bare line feeds, and invalid
 * characters in header names and values. The checks here cost one header lookup per request and
 * one line-feed search per header line; the body is never scanned.
 */
class StrictRequestDecoder extends VertxHttpRequestDecoder {

  // Where this connection's current request is.
  private static final int BETWEEN_REQUESTS = 0;
  private static final int IN_HEAD = 1;
  private static final int IN_BODY = 2;
  private static final int REFUSED = 3;

  private int state = IN_HEAD;
  // Within the head: whether the request line has been passed, and whether the folding check
  // reached the blank line that ends the head (past it, the bytes are the body's).
  private boolean requestLineSeen;
  private boolean headChecked;

  private final long headTimeoutNanos;
  private final Runnable checkHead = this::checkHead;
  private ChannelHandlerContext context;
  private long headStartedAt;
  private ScheduledFuture<?> headTimer;

  StrictRequestDecoder(HttpServerOptions options, long headTimeoutMillis) {
    super(options);
    this.headTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(headTimeoutMillis);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
    super.handlerAdded(ctx);
    context = ctx;
    headStarted();
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) throws Exception {
    // Closed, or upgraded to a WebSocket: no request heads any more.
    state = REFUSED;
    if (headTimer != null) {
      headTimer.cancel(false);
      headTimer = null;
    }
    super.handlerRemoved0(ctx);
  }

  private void checkHead() {
    headTimer = null;
    if (state != IN_HEAD || !context.channel().isActive()) {
      return;
    }
    long left = headStartedAt + headTimeoutNanos - System.nanoTime();
    if (left <= 0) {
      state = REFUSED;
      context.close();
    } else {
      headTimer = context.executor().schedule(checkHead, left, TimeUnit.NANOSECONDS);
    }
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
    if (state == REFUSED) {
      in.skipBytes(in.readableBytes());
      return;
    }
    if (state == BETWEEN_REQUESTS && in.isReadable()) {
      headStarted();
    }
    if (state == IN_HEAD && !headChecked && folded(in)) {
      state = REFUSED;
      in.skipBytes(in.readableBytes());
      HttpMessage invalid = createInvalidMessage();
      invalid.setDecoderResult(DecoderResult.failure(new IllegalArgumentException("obsolete line folding")));
      out.add(invalid);
      return;
    }
    int before = out.size();
    super.decode(ctx, in, out);
    for (int i = before; i < out.size(); i++) {
      Object message = out.get(i);
      if (message instanceof HttpMessage head) {
        state = head.decoderResult().isSuccess() ? IN_BODY : REFUSED;
      }
      if (message instanceof LastHttpContent && state == IN_BODY) {
        state = BETWEEN_REQUESTS;
      }
    }
    if (state == BETWEEN_REQUESTS && in.isReadable()) {
      headStarted();
    }
  }

  private void headStarted() {
    state = IN_HEAD;
    requestLineSeen = false;
    headChecked = false;
    headStartedAt = System.nanoTime();
    if (headTimer == null) {
      headTimer = context.executor().schedule(checkHead, headTimeoutNanos, TimeUnit.NANOSECONDS);
    }
  }

  /**
   * Whether a header line of the head in {@code in} starts with a space or a tab. The decoder
   * consumes whole lines only, so {@code in} starts at the start of a line; leading empty lines
   * and control characters before the request line are skipped, as the decoder skips them.
   */
  private boolean folded(ByteBuf in) {
    int i = in.readerIndex();
    int end = in.writerIndex();
    if (!requestLineSeen) {
      while (i < end && in.getByte(i) <= ' ') {
        i++;
      }
      int lineFeed = in.indexOf(i, end, (byte) '\n');
      if (lineFeed < 0) {
        return false;
      }
      requestLineSeen = true;
      i = lineFeed + 1;
    }
    while (i < end) {
      byte first = in.getByte(i);
      if (first == ' ' || first == '\t') {
        return true;
      }
      if (first == '\r' || first == '\n') {
        headChecked = true;
        return false;
      }
      int lineFeed = in.indexOf(i, end, (byte) '\n');
      if (lineFeed < 0) {
        return false;
      }
      i = lineFeed + 1;
    }
    return false;
  }

  /** Called by the decoder once per request, when the head is complete: the framing check. */
  @Override
  protected boolean isContentAlwaysEmpty(HttpMessage message) {
    HttpHeaders headers = message.headers();
    String coding = headers.get(HttpHeaderNames.TRANSFER_ENCODING);
    if (coding != null) {
      if (message.protocolVersion() != HttpVersion.HTTP_1_1) {
        throw new IllegalArgumentException("Transfer-Encoding in an HTTP/1.0 request");
      }
      if (headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
        throw new IllegalArgumentException("Content-Length together with Transfer-Encoding");
      }
      if (!coding.equalsIgnoreCase("chunked") || headers.getAll(HttpHeaderNames.TRANSFER_ENCODING).size() != 1) {
        throw new IllegalArgumentException("Transfer-Encoding other than a single chunked");
      }
    }
    return super.isContentAlwaysEmpty(message);
  }
}
