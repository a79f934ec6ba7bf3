package io.wharf.router.impl;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client must send each request head within the request-header timeout (1.5 s here): a slow
 * client (slowloris) is cut, however steadily it trickles bytes, while a connection that only
 * waits between requests is kept.
 */
class SlowRequestHeadTest {

  private static final long TIMEOUT_MILLIS = 1500;

  @RegisterExtension
  static final RouterExtension router = new RouterExtension().headerTimeout(TIMEOUT_MILLIS);

  /** Sends a head one byte per 100 ms and never finishes it; returns how long the router kept the connection. */
  private static long trickle() throws Exception {
    try (RawHttps connection = RawHttps.connect(router.authority())) {
      long start = System.nanoTime();
      String head = "GET /hub/health HTTP/1.1\r\nHost: x\r\nX-Slow: ";
      connection.send(head);
      connection.socket().setSoTimeout(100);
      while (System.nanoTime() - start < 10_000_000_000L) {
        try {
          if (connection.socket().getInputStream().read() < 0) {
            break;
          }
        } catch (SocketTimeoutException stillOpen) {
          try {
            connection.send("a");
          } catch (IOException closed) {
            break;
          }
          continue;
        } catch (IOException closed) {
          break;
        }
      }
      return (System.nanoTime() - start) / 1_000_000;
    }
  }

  @Test
  void fiftySlowClientsAreCutAtTheTimeoutWhileOthersAreServed() throws Exception {
    ExecutorService clients = Executors.newFixedThreadPool(50);
    try {
      List<Future<Long>> slow = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        slow.add(clients.submit(SlowRequestHeadTest::trickle));
      }
      Thread.sleep(500);
      try (RawHttps meanwhile = RawHttps.connect(router.authority())) {
        meanwhile.send("GET /hub/health HTTP/1.1\r\nHost: x\r\n\r\n");
        assertTrue(meanwhile.readResponse().startsWith("HTTP/1.1 200 OK"), "a client that sends its head at once is served");
      }
      for (Future<Long> client : slow) {
        long openMillis = client.get();
        assertTrue(openMillis >= TIMEOUT_MILLIS - 200 && openMillis < TIMEOUT_MILLIS + 2000,
          "cut at the timeout, after " + openMillis + " ms");
      }
    } finally {
      clients.shutdownNow();
    }
  }

  @Test
  void aConnectionWaitingBetweenRequestsIsKept() throws Exception {
    try (RawHttps connection = RawHttps.connect(router.authority())) {
      connection.send("GET /hub/health HTTP/1.1\r\nHost: x\r\n\r\n");
      assertTrue(connection.readResponse().startsWith("HTTP/1.1 200 OK"));
      Thread.sleep(TIMEOUT_MILLIS + 500);
      connection.send("GET /hub/health HTTP/1.1\r\nHost: x\r\n\r\n");
      assertTrue(connection.readResponse().startsWith("HTTP/1.1 200 OK"), "the idle timeout, not the header timeout, applies between requests");
    }
  }

  @Test
  void anHttp2ClientThatSendsNoRequestIsCut() throws Exception {
    try (RawHttps connection = RawHttps.connectHttp2(router.authority())) {
      assertEquals("h2", connection.socket().getApplicationProtocol());
      // The connection preface and an empty SETTINGS frame, then a HEADERS frame that never completes.
      connection.send("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + "\0\0\0\u0004\0\0\0\0\0" + "\0\0\u0040\u0001\u0004\0\0\0\u0001");
      long start = System.nanoTime();
      connection.readUntilClosed((int) TIMEOUT_MILLIS + 2000);
      long openMillis = (System.nanoTime() - start) / 1_000_000;
      assertTrue(openMillis >= TIMEOUT_MILLIS - 300, "kept until the timeout, " + openMillis + " ms");
    }
  }

  @Test
  void aClientThatSendsNothingIsCut() throws Exception {
    try (RawHttps connection = RawHttps.connect(router.authority())) {
      long start = System.nanoTime();
      connection.readUntilClosed((int) TIMEOUT_MILLIS + 2000);
      long openMillis = (System.nanoTime() - start) / 1_000_000;
      assertTrue(openMillis >= TIMEOUT_MILLIS - 200, "kept until the timeout, " + openMillis + " ms");
    }
  }
}
