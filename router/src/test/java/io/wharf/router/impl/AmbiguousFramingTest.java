package io.wharf.router.impl;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Requests whose length a proxy in front could read differently (RFC 9112 §6.1, §5.2) are
 * answered 400 and the connection is closed, so a second request hidden in the body is never
 * parsed. Each request is sent as raw bytes over TLS, followed by that hidden request.
 */
class AmbiguousFramingTest {

  @RegisterExtension
  static final RouterExtension router = new RouterExtension();

  private static final String SMUGGLED = "GET /hub/smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
  // A chunked body that ends where the hidden request begins.
  private static final String CHUNKED_BODY = "0\r\n\r\n" + SMUGGLED;

  /** What the router answered to {@code request}, once it has closed the connection. */
  private static String exchange(String request) throws Exception {
    try (RawHttps connection = RawHttps.connect(router.authority())) {
      connection.send(request);
      return connection.readUntilClosed(3000);
    }
  }

  private static void assertRefused(String head, String body) throws Exception {
    String answer = exchange("POST /hub/health HTTP/1.1\r\nHost: x\r\n" + head + "\r\n" + body);
    assertTrue(answer.startsWith("HTTP/1.") && answer.contains(" 400 Bad Request\r\n"), answer);
    assertEquals(1, answer.split("HTTP/1\\.", -1).length - 1, "one answer only, none to the hidden request: " + answer);
    assertFalse(answer.contains("smuggled") || answer.contains(" 404 "), answer);
    assertTrue(answer.contains("Strict-Transport-Security: max-age="), answer);
  }

  @Test
  void contentLengthWithTransferEncodingIsRefused() throws Exception {
    assertRefused("Content-Length: " + CHUNKED_BODY.length() + "\r\nTransfer-Encoding: chunked\r\n", CHUNKED_BODY);
    assertRefused("Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", CHUNKED_BODY);
  }

  @Test
  void anAmbiguousRequestToANotebookNeverReachesIt() throws Exception {
    router.put(router.notebook().running("alice", ""));
    String hidden = "GET /user/alice/smuggled HTTP/1.1\r\nHost: x\r\nCookie: " + router.cookie("alice") + "\r\n\r\n";
    String body = "0\r\n\r\n" + hidden;
    String answer = exchange("POST /user/alice/api/contents HTTP/1.1\r\nHost: x\r\nCookie: " + router.cookie("alice")
      + "\r\nContent-Length: " + body.length() + "\r\nTransfer-Encoding: chunked\r\n\r\n" + body);
    assertTrue(answer.contains(" 400 Bad Request\r\n") && !answer.contains(" 200 "), answer);
    assertTrue(router.notebook().untouched(), "neither request reached the notebook");
  }

  @Test
  void transferEncodingOtherThanOneChunkedIsRefused() throws Exception {
    assertRefused("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", CHUNKED_BODY);
    assertRefused("Transfer-Encoding: chunked, chunked\r\n", CHUNKED_BODY);
    assertRefused("Transfer-Encoding: chunked, identity\r\n", CHUNKED_BODY);
    assertRefused("Transfer-Encoding: identity\r\nContent-Length: 5\r\n", "hello" + SMUGGLED);
    assertRefused("Transfer-Encoding: gzip, chunked\r\n", CHUNKED_BODY);
    assertRefused("Transfer-Encoding: xchunked\r\n", CHUNKED_BODY);
  }

  @Test
  void transferEncodingOnHttp10IsRefused() throws Exception {
    String answer = exchange("POST /hub/health HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + CHUNKED_BODY);
    assertTrue(answer.contains(" 400 Bad Request\r\n") && !answer.contains("smuggled") && !answer.contains(" 404 "), answer);
  }

  @Test
  void contentLengthsThatDisagreeAreRefused() throws Exception {
    assertRefused("Content-Length: 5\r\nContent-Length: 6\r\n", "hello!" + SMUGGLED);
    assertRefused("Content-Length: 5, 6\r\n", "hello!" + SMUGGLED);
  }

  @Test
  void aFoldedHeaderLineIsRefused() throws Exception {
    assertRefused("X-Note: a\r\n b\r\n", "");
    assertRefused("Transfer-Encoding: identity\r\n\tchunked\r\n", CHUNKED_BODY);
    assertRefused("Content-Length: 0\r\nX-Note: a\r\n \r\n", SMUGGLED);
  }

  @Test
  void aFoldedLineArrivingLaterIsRefused() throws Exception {
    try (RawHttps connection = RawHttps.connect(router.authority())) {
      connection.send("GET /hub/health HTTP/1.1\r\nHost: x\r\nX-Note: a\r\n");
      Thread.sleep(100);
      connection.send(" b\r\n\r\n" + SMUGGLED);
      String answer = connection.readUntilClosed(3000);
      assertTrue(answer.contains(" 400 Bad Request\r\n") && !answer.contains(" 200 ") && !answer.contains(" 404 "), answer);
    }
  }

  @Test
  void invalidCharactersInHeaderNamesAndValuesAreRefused() throws Exception {
    assertRefused("X Note: a\r\n", "");
    assertRefused("Transfer-Encoding : chunked\r\n", CHUNKED_BODY);
    assertRefused("X-Note: a\u0001b\r\n", "");
    assertRefused("X-Note: a\u007fb\r\n", "");
    assertRefused("X-Note: a\rb\r\n", "");
  }

  @Test
  void aSingleChunkedInAnyCaseOrAfterATabIsChunked() throws Exception {
    for (String coding : new String[] {"Transfer-Encoding: chunked", "Transfer-Encoding: CHUNKED", "Transfer-Encoding:\tchunked"}) {
      String answer = exchange("GET /hub/health HTTP/1.1\r\nHost: x\r\n" + coding + "\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
        + "GET /hub/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      assertEquals(2, answer.split("HTTP/1\\.1 200 OK", -1).length - 1, coding + ": both requests answered: " + answer);
    }
  }

  @Test
  void wellFormedPipelinedRequestsAreAllAnswered() throws Exception {
    String answer = exchange("POST /hub/health HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
      + "GET /hub/health HTTP/1.1\r\nHost: x\r\nX-Note: a\r\n\r\n"
      + "\r\nGET /hub/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertEquals(1, answer.split(" 405 ", -1).length - 1, answer);
    assertEquals(2, answer.split("HTTP/1\\.1 200 OK", -1).length - 1, answer);
  }

  @Test
  void transferEncodingOverHttp2IsRefused() throws Exception {
    // Vert.x's client leaves the header out of HTTP/2 requests; the JDK's sends it. Netty's HTTP/2
    // codec treats it as malformed (RFC 9113 §8.2.2) and resets the stream; the connection goes on.
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(RawHttps.trustAll()).build();
    URI uri = URI.create(router.origin() + "/hub/health");
    HttpResponse<String> before = client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(HttpClient.Version.HTTP_2, before.version());
    IOException refused = assertThrows(IOException.class,
      () -> client.send(HttpRequest.newBuilder(uri).header("Transfer-Encoding", "chunked").build(), HttpResponse.BodyHandlers.ofString()));
    assertTrue(refused.getMessage().contains("RST_STREAM: Protocol error"), refused.getMessage());
    assertEquals(200, client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
  }
}
