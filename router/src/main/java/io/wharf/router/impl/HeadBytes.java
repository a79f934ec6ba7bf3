package io.wharf.router.impl;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.CharsetUtil;

/**
 * The fast path's HTTP/1.1 heads and chunk framing written straight as bytes, without Netty's
 * message objects, header maps and encoders: a head's headers come from {@link ProxyHeaders}'
 * copy through {@link ProxyHeaders.Sink}. Names and values are written as ISO-8859-1, the
 * charset Netty's decoders read them in, so every byte a client or container sent goes on as it
 * was. Nothing is validated here: every value was when its message was decoded, or is the
 * router's own.
 *
 * <p>It exists for cost: the header maps and encoders were about a tenth of the router's CPU per
 * proxied request (bench/README.md).
 */
final class HeadBytes implements ProxyHeaders.Sink {

  private static final short CRLF = ('\r' << 8) | '\n';
  private static final short COLON_SPACE = (':' << 8) | ' ';
  private static final byte[] HTTP_1_1 = " HTTP/1.1\r\n".getBytes(CharsetUtil.US_ASCII);
  private static final byte[] STATUS_LINE = "HTTP/1.1 ".getBytes(CharsetUtil.US_ASCII);
  private static final ByteBuf LAST_CHUNK = Unpooled.unreleasableBuffer(
    Unpooled.directBuffer(5).writeBytes("0\r\n\r\n".getBytes(CharsetUtil.US_ASCII))).asReadOnly();
  private static final ByteBuf CHUNK_END = Unpooled.unreleasableBuffer(
    Unpooled.directBuffer(2).writeShort(CRLF)).asReadOnly();
  private static final int INITIAL = 512;

  private final ByteBuf out;

  private HeadBytes(ByteBuf out) {
    this.out = out;
  }

  /** A request head: its line written, its headers to come through {@link #add}, then {@link #end}. */
  static HeadBytes request(ByteBufAllocator alloc, HttpMethod method, String uri) {
    ByteBuf out = alloc.directBuffer(INITIAL);
    ByteBufUtil.copy(method.asciiName(), out);
    out.writeByte(' ');
    out.writeCharSequence(uri, CharsetUtil.ISO_8859_1);
    out.writeBytes(HTTP_1_1);
    return new HeadBytes(out);
  }

  /** A response head: its status line written, its headers to come through {@link #add}, then {@link #end}. */
  static HeadBytes response(ByteBufAllocator alloc, HttpResponseStatus status) {
    ByteBuf out = alloc.directBuffer(INITIAL);
    out.writeBytes(STATUS_LINE);
    ByteBufUtil.copy(status.codeAsText(), out);
    out.writeByte(' ');
    out.writeCharSequence(status.reasonPhrase(), CharsetUtil.ISO_8859_1);
    out.writeShort(CRLF);
    return new HeadBytes(out);
  }

  /**
   * Names and values as ISO-8859-1, one byte per char: {@code writeAscii} is the call that
   * {@code writeCharSequence} makes for that charset, after comparing the charset with three
   * others on every call (about 0.5 % of the event loops' samples in a profile of the HTTP/1.1 bench).
   */
  @Override
  public void add(CharSequence name, CharSequence value) {
    ByteBufUtil.writeAscii(out, name);
    out.writeShort(COLON_SPACE);
    ByteBufUtil.writeAscii(out, value);
    out.writeShort(CRLF);
  }

  /** The head, complete. */
  ByteBuf end() {
    out.writeShort(CRLF);
    return out;
  }

  /** Releases the head when it is not written after all. */
  void discard() {
    out.release();
  }

  /**
   * {@code data} as one chunk of a chunked body, taking the buffer; null (the buffer released)
   * when it is empty.
   */
  static ByteBuf chunk(ByteBufAllocator alloc, ByteBuf data) {
    int size = data.readableBytes();
    if (size == 0) {
      data.release();
      return null;
    }
    ByteBuf line = alloc.directBuffer(10);
    ByteBufUtil.writeAscii(line, Integer.toHexString(size));
    line.writeShort(CRLF);
    return alloc.compositeDirectBuffer(3).addComponents(true, line, data, CHUNK_END.duplicate());
  }

  /** The end of a chunked body: the last chunk, without trailers. */
  static ByteBuf lastChunk() {
    return LAST_CHUNK.duplicate();
  }
}
