package io.wharf.router.impl;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How {@link AnswerDecoder} frames a container's answers, and what it refuses. */
class AnswerDecoderTest {

  /** What the decoder passed on: heads, body text and ends, in order. */
  private record Read(List<AnswerHead> heads, StringBuilder body, int ends, boolean open) {
  }

  /** Feeds {@code answer} in pieces of {@code piece} bytes, then reads what came out. */
  private static Read feed(String answer, int piece, boolean close) {
    EmbeddedChannel channel = new EmbeddedChannel(new AnswerDecoder());
    byte[] bytes = answer.getBytes(StandardCharsets.ISO_8859_1);
    for (int i = 0; i < bytes.length && channel.isOpen(); i += piece) {
      channel.writeInbound(Unpooled.wrappedBuffer(bytes, i, Math.min(piece, bytes.length - i)));
    }
    boolean open = channel.isOpen();
    if (close) {
      channel.finish();
    }
    List<AnswerHead> heads = new ArrayList<>();
    StringBuilder body = new StringBuilder();
    int ends = 0;
    Object msg;
    while ((msg = channel.readInbound()) != null) {
      if (msg instanceof AnswerHead head) {
        heads.add(head);
      } else if (msg instanceof ByteBuf content) {
        body.append(content.toString(StandardCharsets.ISO_8859_1));
        content.release();
      } else {
        assertSame(AnswerDecoder.END, msg);
        ends++;
      }
    }
    channel.finishAndReleaseAll();
    return new Read(heads, body, ends, open);
  }

  private static void assertRefused(String answer) {
    for (int piece : new int[] {1, 7, answer.length()}) {
      Read read = feed(answer, piece, false);
      assertFalse(read.open(), () -> "refused in pieces of " + piece + ": " + answer);
      assertEquals(0, read.ends(), answer);
    }
  }

  @Test
  void anAnswerWithALengthIsReadInWhateverPiecesItComes() {
    String answer = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 11\r\nX-Empty:\r\n\r\nhello world";
    for (int piece = 1; piece <= answer.length(); piece++) {
      Read read = feed(answer + answer, piece, false);
      assertEquals(2, read.heads().size(), "two answers in pieces of " + piece);
      assertEquals("hello worldhello world", read.body().toString());
      assertEquals(2, read.ends());
      assertTrue(read.open());
    }
    AnswerHead head = feed(answer, answer.length(), false).heads().get(0);
    assertEquals(200, head.status());
    assertEquals("OK", head.httpStatus().reasonPhrase());
    assertEquals(3, head.size());
    assertEquals("Content-Type", head.name(0).toString());
    assertEquals("text/plain", head.value(0).toString());
    assertEquals("", head.value(2).toString());
    assertEquals(11, head.contentLength);
    assertTrue(head.keepAlive);
  }

  @Test
  void aChunkedAnswerLosesItsFramingExtensionsAndTrailers() {
    String answer = "HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\n5;name=value\r\nhello\r\n6\r\n world\r\n"
      + "0\r\nX-Trailer: t\r\n\r\n";
    for (int piece = 1; piece <= answer.length(); piece++) {
      Read read = feed(answer + answer, piece, false);
      assertEquals(2, read.heads().size(), "in pieces of " + piece);
      assertEquals("hello worldhello world", read.body().toString());
      assertEquals(2, read.ends());
      assertTrue(read.open());
    }
    assertTrue(feed(answer, answer.length(), false).heads().get(0).chunked);
  }

  @Test
  void anAnswerWithoutLengthEndsWhenTheContainerCloses() {
    Read read = feed("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nhello world", 5, false);
    assertEquals("hello world", read.body().toString());
    assertEquals(0, read.ends(), "not over while the connection is open");
    assertTrue(read.heads().get(0).endsAtClose());
    read = feed("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nhello world", 5, true);
    assertEquals("hello world", read.body().toString());
    assertEquals(1, read.ends());
  }

  @Test
  void noBodyFollows204Or304OrAZeroLengthAndInterimAnswersAreDropped() {
    Read read = feed("HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\n\r\n"
      + "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.js>\r\n\r\n"
      + "HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 3, false);
    assertEquals(List.of(304, 204, 200), read.heads().stream().map(AnswerHead::status).toList());
    assertEquals(3, read.ends());
    assertEquals("", read.body().toString());
    assertTrue(read.open());
  }

  @Test
  void keepAliveFollowsTheVersionAndTheConnectionHeader() {
    assertFalse(head("HTTP/1.1 200 OK\r\nConnection: keep-alive, Close\r\nContent-Length: 0\r\n\r\n").keepAlive);
    assertFalse(head("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n").keepAlive);
    assertTrue(head("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n").keepAlive);
    AnswerHead head = head("HTTP/1.1 200 OK\r\nConnection: x-hop\r\nConnection: y-hop\r\nContent-Length: 0\r\n\r\n");
    assertTrue(head.keepAlive);
    assertEquals("x-hop,y-hop", head.connection());
    assertEquals("", head("HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n").httpStatus().reasonPhrase());
  }

  @Test
  void headerBytesOutsideAsciiCrossUnchanged() {
    AnswerHead head = head("HTTP/1.1 200 OK\r\nX-Latin: caf\u00e9\r\nContent-Length: 0\r\n\r\n");
    assertEquals("caf\u00e9", head.value(0).toString());
  }

  @Test
  void ambiguousFramingIsRefused() {
    assertRefused("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
    assertRefused("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n");
    assertRefused("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!");
    assertRefused("HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n\r\nhello");
    assertRefused("HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\nhello");
    assertRefused("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n");
    assertRefused("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
    // The same length twice is one length.
    assertEquals(5, head("HTTP/1.1 200 OK\r\nContent-Length: 5\r\ncontent-length: 5\r\n\r\n").contentLength);
  }

  @Test
  void malformedHeadsAreRefused() {
    assertRefused("HTTP/1.1 200 OK\r\nX-Folded: a\r\n b\r\nContent-Length: 0\r\n\r\n");
    assertRefused("HTTP/1.1 200 OK\r\nX-Space : a\r\nContent-Length: 0\r\n\r\n");
    assertRefused("HTTP/1.1 200 OK\r\nX(Bad): a\r\nContent-Length: 0\r\n\r\n");
    assertRefused("HTTP/1.1 200 OK\r\n: a\r\nContent-Length: 0\r\n\r\n");
    assertRefused("HTTP/1.1 200 OK\r\nX-Nul: a\u0000b\r\nContent-Length: 0\r\n\r\n");
    assertRefused("HTTP/1.1 200 OK\r\nX-Cr: a\rb\r\nContent-Length: 0\r\n\r\n");
    assertRefused("HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n");
    assertRefused("HTTP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n");
    assertRefused("HTTP/1.1 20 OK\r\nContent-Length: 0\r\n\r\n");
    assertRefused("HTTP/1.1 099 Odd\r\nContent-Length: 0\r\n\r\n");
    assertRefused("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n");
    assertRefused("HTTP/1.1 200 OK\r\nX-Long: " + "a".repeat(AnswerDecoder.MAX_HEAD) + "\r\n\r\n");
  }

  @Test
  void malformedChunksAreRefused() {
    String head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    assertRefused(head + "x\r\nhello\r\n0\r\n\r\n");
    assertRefused(head + "5\r\nhelloXY0\r\n\r\n");
    assertRefused(head + "5 \r\nhello\r\n0\r\n\r\n");
    assertRefused(head + "5\nhello\r\n0\r\n\r\n");
    assertRefused(head + "1000000000000000\r\nhello\r\n0\r\n\r\n");
    assertRefused(head + "5" + ";".repeat(2000) + "\r\nhello\r\n0\r\n\r\n");
  }

  @Test
  void whateverFollowsARefusalIsDropped() {
    Read read = feed("HTTP/1.1 200 OK\r\nX Bad: a\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 1000, false);
    assertTrue(read.heads().isEmpty());
    assertFalse(read.open());
    assertNull(AnswerDecoder.parse("HTTP/1.1 200 OK\r\n\r\n".substring(0, 10).getBytes(StandardCharsets.ISO_8859_1)));
    assertInstanceOf(AnswerHead.class, AnswerDecoder.parse("HTTP/1.1 200 OK\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)));
  }

  private static AnswerHead head(String answer) {
    Read read = feed(answer, answer.length(), false);
    assertEquals(1, read.heads().size(), answer);
    return read.heads().get(0);
  }
}
