package io.wharf.router.impl;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.wharf.router.impl.RouterExtension.Reply;
import io.wharf.session.ServerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bytes {@link FastPath} writes each way ({@link HeadBytes}): a container that answers
 * exactly what each test scripts, and records the request heads it read as they came.
 */
class FastPathFramingTest {

  @RegisterExtension
  static final RouterExtension router = new RouterExtension();

  // Answers by the request's last path segment; "close" ones end their connection after answering.
  private static final Map<String, String> ANSWERS = Map.of(
    "untold", "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nServer: TornadoServer/6.4\r\nConnection: close\r\n\r\nhello world",
    "chunks", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nAccess-Control-Allow-Origin: https://evil.example\r\n\r\n"
      + "5\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n",
    "hints", "HTTP/1.1 103 Early Hints\r\nLink: </static/a.js>; rel=preload\r\n\r\n"
      + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Latin: caf\u00e9\r\n\r\nok",
    "unchanged", "HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\n\r\n",
    "folded", "HTTP/1.1 200 OK\r\nX-Folded: a\r\n b\r\nContent-Length: 2\r\n\r\nok",
    "own", "HTTP/1.1 200 OK\r\nX-Request-Id: theirs\r\nStrict-Transport-Security: max-age=1\r\nX-Wharf-Instance: fake\r\n"
      + "Content-Length: 2\r\n\r\nok");

  private static Vertx vertx;
  private static int port;
  private static final BlockingQueue<String> HEADS = new LinkedBlockingQueue<>();

  @BeforeAll
  static void container() throws Exception {
    vertx = Vertx.vertx();
    NetServer server = vertx.createNetServer().connectHandler(socket -> {
      Buffer[] read = {Buffer.buffer()};
      socket.handler(data -> {
        read[0].appendBuffer(data);
        String text = read[0].toString(StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
          return;
        }
        String head = text.substring(0, end + 4);
        HEADS.add(head);
        String body = text.substring(end + 4);
        read[0] = Buffer.buffer();
        String path = head.substring(head.indexOf(' ') + 1, head.indexOf(" HTTP/1.1"));
        String answer = ANSWERS.getOrDefault(path.substring(path.lastIndexOf('/') + 1),
          "HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
        socket.write(Buffer.buffer(answer.getBytes(StandardCharsets.ISO_8859_1)));
        if (answer.contains("Connection: close")) {
          socket.close();
        }
      });
    });
    port = server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS).actualPort();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private static Reply get(String name) throws Exception {
    long now = System.currentTimeMillis();
    router.put(ServerRecord.pending("alice", "", "test-instance", "container-token", now, "")
      .ready("container-raw", "127.0.0.1", port, now));
    HEADS.clear();
    long before = router.fastPathRequests();
    Reply reply = router.get("/user/alice/" + name, "Cookie", "theme=dark; " + router.cookie("alice"));
    assertEquals(before + 1, router.fastPathRequests(), "served by the fast path");
    return reply;
  }

  @Test
  void theContainerGetsTheRequestHeadWithItsTokenAndWithoutTheSessionCookie() throws Exception {
    Reply reply = get("echo");
    assertEquals(200, reply.status());
    String head = HEADS.poll(5, TimeUnit.SECONDS);
    assertNotNull(head);
    assertTrue(head.startsWith("GET /user/alice/echo HTTP/1.1\r\n"), head);
    String lower = head.toLowerCase(Locale.ROOT);
    assertTrue(lower.contains("\r\nauthorization: token container-token\r\n"), head);
    assertTrue(lower.contains("\r\ncookie: theme=dark\r\n"), head);
    assertTrue(lower.contains("\r\nhost: " + router.authority() + "\r\n"), head);
    assertFalse(head.contains("wharf-session"), head);
    assertTrue(head.endsWith("\r\n\r\n"), head);
  }

  @Test
  void anAnswerThatEndsWhenTheContainerClosesGoesOnChunkedWithoutItsServerHeader() throws Exception {
    Reply reply = get("untold");
    assertEquals(200, reply.status());
    assertEquals("hello world", reply.body().toString());
    assertEquals("chunked", reply.header("Transfer-Encoding"));
    assertNull(reply.header("Server"));
    assertEquals("max-age=31536000", reply.header("Strict-Transport-Security"));
    assertEquals("text/plain", reply.header("Content-Type"));
    // The client's connection serves on.
    assertEquals(200, get("echo").status());
  }

  @Test
  void aChunkedAnswerArrivesWholeWithoutTheContainersCorsGrantOrTrailers() throws Exception {
    Reply reply = get("chunks");
    assertEquals("hello world", reply.body().toString());
    assertNull(reply.header("Access-Control-Allow-Origin"));
    assertNull(reply.header("X-Trailer"));
    assertEquals(200, get("echo").status());
  }

  @Test
  void anInterimAnswerIsNotPassedOnAndHeaderBytesCrossAsTheyCame() throws Exception {
    Reply reply = get("hints");
    assertEquals(200, reply.status());
    assertEquals("ok", reply.body().toString());
    assertNull(reply.header("Link"));
    assertEquals(List.of((byte) 'c', (byte) 'a', (byte) 'f', (byte) 0xe9),
      toList(reply.header("X-Latin").getBytes(StandardCharsets.ISO_8859_1)));
  }

  @Test
  void aNotModifiedAnswerHasNoBodyAndTheConnectionServesOn() throws Exception {
    Reply reply = get("unchanged");
    assertEquals(304, reply.status());
    assertEquals("\"v1\"", reply.header("ETag"));
    assertEquals(0, reply.body().length());
    assertEquals(200, get("echo").status());
  }

  @Test
  void theRoutersOwnHeadersReplaceTheContainers() throws Exception {
    Reply reply = get("own");
    assertEquals(List.of("max-age=31536000"), reply.headers().getAll("Strict-Transport-Security"));
    assertEquals(List.of(RouterExtension.INSTANCE), reply.headers().getAll("X-Wharf-Instance"));
    assertEquals(1, reply.headers().getAll("X-Request-Id").size());
    assertFalse(reply.header("X-Request-Id").equals("theirs"));
  }

  @Test
  void aMalformedAnswerGets502AndTheConnectionServesOn() throws Exception {
    Reply reply = get("folded");
    assertEquals(502, reply.status());
    assertTrue(reply.header("Content-Type").startsWith("application/json"), reply.header("Content-Type"));
    assertNull(reply.header("X-Folded"));
    assertEquals(200, get("echo").status());
  }

  private static List<Byte> toList(byte[] bytes) {
    Byte[] boxed = new Byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      boxed[i] = bytes[i];
    }
    return List.of(boxed);
  }
}
