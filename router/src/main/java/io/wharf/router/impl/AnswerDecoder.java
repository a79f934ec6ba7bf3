package io.wharf.router.impl;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.AsciiString;

import java.util.List;

/**
 * Reads a container's HTTP/1.1 answers on a pooled connection of {@link BackendPool}: each head
 * as an {@link AnswerHead}, then its body as buffers sliced from what was read (no copy), then
 * {@link #END}. Interim answers (1xx) are read and dropped. Anything the proxy could misread is
 * refused by closing the connection, which the exchange turns into 502 (or an abrupt end once
 * the answer has begun): a head longer than {@link #MAX_HEAD} bytes or not ended by CRLF CRLF,
 * a version other than HTTP/1.x, a header name with other than token characters or followed by
 * whitespace, a control character in a value, a folded line, {@code Content-Length} with
 * {@code Transfer-Encoding}, a {@code Transfer-Encoding} other than a single {@code chunked},
 * differing or malformed lengths, and malformed chunk framing. Trailers are read and dropped.
 *
 * <p>It replaced Netty's response decoder, whose header maps and message objects were a few per
 * cent of the router's CPU per proxied request (bench/README.md).
 */
final class AnswerDecoder extends ByteToMessageDecoder {

  /** What follows an answer's last body buffer. */
  static final Object END = new Object() {
    @Override
    public String toString() {
      return "END";
    }
  };

  /** The longest head read (status line and headers); Netty's decoder allowed 4 KiB and 8 KiB. */
  static final int MAX_HEAD = 16 * 1024;
  private static final int MAX_CHUNK_LINE = 1024;
  private static final AsciiString CONTENT_LENGTH = AsciiString.cached("content-length");
  private static final AsciiString TRANSFER_ENCODING = AsciiString.cached("transfer-encoding");
  private static final AsciiString CHUNKED = AsciiString.cached("chunked");

  /** The characters of a token (RFC 9110 §5.6.2), by their ASCII code: every header name is one. */
  private static final boolean[] TOKEN = new boolean[128];

  static {
    for (int c = 0; c < TOKEN.length; c++) {
      TOKEN[c] = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }
  }

  private enum State { HEAD, LENGTH, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, TO_CLOSE, BROKEN }

  private State state = State.HEAD;
  private long remaining;
  /** Where the search for the end of the head (or of the trailers) resumes. */
  private int scanned;
  private int trailerBytes;

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    switch (state) {
      case HEAD -> head(ctx, in, out);
      case LENGTH, CHUNK_DATA -> body(in, out);
      case CHUNK_SIZE -> chunkSize(ctx, in);
      case CHUNK_END -> chunkEnd(ctx, in);
      case TRAILERS -> trailers(ctx, in, out);
      case TO_CLOSE -> out.add(in.readRetainedSlice(in.readableBytes()));
      case BROKEN -> in.skipBytes(in.readableBytes());
      default -> throw new IllegalStateException(state.name());
    }
  }

  @Override
  protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (in.isReadable()) {
      decode(ctx, in, out);
    }
    if (state == State.TO_CLOSE) {
      // The container's close is the answer's end.
      state = State.HEAD;
      out.add(END);
    }
  }

  private void head(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    int end = blankLine(in);
    if (end < 0) {
      if (in.readableBytes() > MAX_HEAD) {
        refuse(ctx, in);
      }
      return;
    }
    int length = end - in.readerIndex();
    byte[] bytes = ByteBufUtil.getBytes(in, in.readerIndex(), length);
    in.skipBytes(length);
    scanned = 0;
    AnswerHead head = parse(bytes);
    if (head == null) {
      refuse(ctx, in);
      return;
    }
    if (head.status() < 200) {
      // An interim answer (100, 103): dropped; 101 never comes, since no upgrade takes this path.
      if (head.status() == 101) {
        refuse(ctx, in);
      }
      return;
    }
    out.add(head);
    if (head.bodiless() || head.contentLength == 0) {
      out.add(END);
    } else if (head.chunked) {
      state = State.CHUNK_SIZE;
    } else if (head.contentLength > 0) {
      remaining = head.contentLength;
      state = State.LENGTH;
    } else {
      state = State.TO_CLOSE;
    }
  }

  private void body(ByteBuf in, List<Object> out) {
    int n = (int) Math.min(remaining, in.readableBytes());
    if (n > 0) {
      out.add(in.readRetainedSlice(n));
      remaining -= n;
    }
    if (remaining == 0) {
      if (state == State.LENGTH) {
        state = State.HEAD;
        out.add(END);
      } else {
        state = State.CHUNK_END;
      }
    }
  }

  private void chunkSize(ChannelHandlerContext ctx, ByteBuf in) {
    int lf = in.indexOf(in.readerIndex(), Math.min(in.writerIndex(), in.readerIndex() + MAX_CHUNK_LINE), (byte) '\n');
    if (lf < 0) {
      if (in.readableBytes() >= MAX_CHUNK_LINE) {
        refuse(ctx, in);
      }
      return;
    }
    long size = 0;
    int digits = 0;
    int i = in.readerIndex();
    for (; i < lf - 1; i++) {
      int digit = Character.digit(in.getByte(i), 16);
      if (digit < 0) {
        break;
      }
      size = size * 16 + digit;
      digits++;
    }
    // Chunk extensions (after ';') are allowed and ignored.
    if (digits == 0 || digits > 15 || in.getByte(lf - 1) != '\r' || i < lf - 1 && in.getByte(i) != ';') {
      refuse(ctx, in);
      return;
    }
    in.readerIndex(lf + 1);
    if (size == 0) {
      state = State.TRAILERS;
      trailerBytes = 0;
    } else {
      remaining = size;
      state = State.CHUNK_DATA;
    }
  }

  private void chunkEnd(ChannelHandlerContext ctx, ByteBuf in) {
    if (in.readableBytes() < 2) {
      return;
    }
    if (in.readByte() != '\r' || in.readByte() != '\n') {
      refuse(ctx, in);
      return;
    }
    state = State.CHUNK_SIZE;
  }

  private void trailers(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    int lf = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
    if (lf < 0) {
      if (trailerBytes + in.readableBytes() > MAX_HEAD) {
        refuse(ctx, in);
      }
      return;
    }
    int length = lf + 1 - in.readerIndex();
    if (length < 2 || in.getByte(lf - 1) != '\r' || (trailerBytes += length) > MAX_HEAD) {
      refuse(ctx, in);
      return;
    }
    in.readerIndex(lf + 1);
    if (length == 2) {
      state = State.HEAD;
      out.add(END);
    }
  }

  /** The index just past the head's CRLF CRLF, or -1 while it has not come. */
  private int blankLine(ByteBuf in) {
    int from = Math.max(in.readerIndex(), in.readerIndex() + scanned - 3);
    int limit = Math.min(in.writerIndex(), in.readerIndex() + MAX_HEAD);
    while (true) {
      int lf = in.indexOf(from, limit, (byte) '\n');
      if (lf < 0) {
        scanned = limit - in.readerIndex();
        return -1;
      }
      if (lf - in.readerIndex() >= 3 && in.getByte(lf - 1) == '\r' && in.getByte(lf - 2) == '\n' && in.getByte(lf - 3) == '\r') {
        return lf + 1;
      }
      from = lf + 1;
    }
  }

  /** The head in {@code bytes} (ending with CRLF CRLF), or null when it is malformed. */
  static AnswerHead parse(byte[] bytes) {
    // "HTTP/1.x NNN" then " reason" or nothing, then CRLF.
    if (bytes.length < 16 || !startsWith(bytes, "HTTP/1.") || bytes[7] != '1' && bytes[7] != '0' || bytes[8] != ' '
      || !digit(bytes[9]) || !digit(bytes[10]) || !digit(bytes[11])) {
      return null;
    }
    int lineEnd = lineEnd(bytes, 12);
    if (lineEnd < 0 || lineEnd > 12 && (bytes[12] != ' ' || !fieldText(bytes, 13, lineEnd))) {
      return null;
    }
    int status = (bytes[9] - '0') * 100 + (bytes[10] - '0') * 10 + (bytes[11] - '0');
    if (status < 100) {
      return null;
    }
    AnswerHead head = new AnswerHead(status, lineEnd > 12 ? new AsciiString(bytes, 13, lineEnd - 13, false) : AsciiString.EMPTY_STRING);
    boolean http11 = bytes[7] == '1';
    int transferEncodings = 0;
    int i = lineEnd + 2;
    while (i < bytes.length - 2) {
      int end = lineEnd(bytes, i);
      int colon = nameEnd(bytes, i, end);
      if (end < 0 || colon <= i || bytes[colon] != ':') {
        // No name, a character outside a token's, whitespace before the colon, or a folded line.
        return null;
      }
      int start = colon + 1;
      int stop = end;
      while (start < stop && (bytes[start] == ' ' || bytes[start] == '\t')) {
        start++;
      }
      while (stop > start && (bytes[stop - 1] == ' ' || bytes[stop - 1] == '\t')) {
        stop--;
      }
      if (!fieldText(bytes, start, stop)) {
        return null;
      }
      AsciiString name = new AsciiString(bytes, i, colon - i, false);
      AsciiString value = new AsciiString(bytes, start, stop - start, false);
      if (name.contentEqualsIgnoreCase(CONTENT_LENGTH)) {
        long length = length(value);
        if (length < 0 || head.contentLength >= 0 && head.contentLength != length) {
          return null;
        }
        head.contentLength = length;
      } else if (name.contentEqualsIgnoreCase(TRANSFER_ENCODING)) {
        if (++transferEncodings > 1 || !value.contentEqualsIgnoreCase(CHUNKED)) {
          return null;
        }
        head.chunked = true;
      }
      head.add(name, value);
      i = end + 2;
    }
    if (head.chunked && head.contentLength >= 0) {
      return null;
    }
    String connection = head.connection();
    head.keepAlive = http11 ? !HopByHopHeaders.named(connection, "close") : HopByHopHeaders.named(connection, "keep-alive");
    return head;
  }

  private void refuse(ChannelHandlerContext ctx, ByteBuf in) {
    state = State.BROKEN;
    scanned = 0;
    in.skipBytes(in.readableBytes());
    ctx.close();
  }

  /** The index of the CR of the CRLF ending the line that starts at {@code from}, or -1 (a bare CR or LF). */
  private static int lineEnd(byte[] bytes, int from) {
    for (int i = from; i < bytes.length - 1; i++) {
      if (bytes[i] == '\r') {
        return bytes[i + 1] == '\n' ? i : -1;
      }
      if (bytes[i] == '\n') {
        return -1;
      }
    }
    return -1;
  }

  /** The index of the first byte from {@code from} that is not a token character (RFC 9110 §5.6.2). */
  private static int nameEnd(byte[] bytes, int from, int end) {
    int i = from;
    while (i < end && token(bytes[i])) {
      i++;
    }
    return i;
  }

  private static boolean token(byte b) {
    return b > 0 && TOKEN[b];
  }

  /** Visible characters, spaces, tabs and obs-text only (RFC 9110 §5.5). */
  private static boolean fieldText(byte[] bytes, int from, int to) {
    for (int i = from; i < to; i++) {
      int b = bytes[i] & 0xff;
      if (b < ' ' && b != '\t' || b == 0x7f) {
        return false;
      }
    }
    return true;
  }

  /** A length's digits as a number, or -1. */
  private static long length(AsciiString value) {
    int n = value.length();
    if (n == 0 || n > 18) {
      return -1;
    }
    long length = 0;
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      length = length * 10 + (c - '0');
    }
    return length;
  }

  private static boolean digit(byte b) {
    return b >= '0' && b <= '9';
  }

  private static boolean startsWith(byte[] bytes, String prefix) {
    for (int i = 0; i < prefix.length(); i++) {
      if (bytes[i] != prefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
