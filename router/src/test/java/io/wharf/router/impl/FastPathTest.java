package io.wharf.router.impl;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.netty.channel.Channel;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.impl.ConnectionBase;
import io.wharf.router.impl.FakeNotebook.Seen;
import io.wharf.router.impl.RouterExtension.Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which requests {@link FastPath} proxies, and that it keeps a connection's answers in the order
 * of its requests when it shares the connection with Vert.x's path. The proxy's rules
 * themselves (headers, bodies, 502 and 504) are {@link NotebookProxyTest}'s and
 * {@link UserRequestProxyTest}'s, whose cookie requests take the fast path.
 */
class FastPathTest {

  @RegisterExtension
  static final RouterExtension router = new RouterExtension();

  private static final Pattern STATUS = Pattern.compile("^HTTP/1\\.1 (\\d{3}) ", Pattern.MULTILINE);
  private static final Pattern REQUEST_ID = Pattern.compile("(?im)^x-request-id: (\\S+)$");

  private void aliceRuns() throws Exception {
    router.put(router.notebook().running("alice", ""));
  }

  @Test
  void aRequestWithTheUsersCookieTakesTheFastPathAndGetsTheSameAnswer() throws Exception {
    aliceRuns();
    long before = router.fastPathRequests();
    Reply reply = router.get("/user/alice/api/status", "Cookie", router.cookie("alice"));
    assertEquals(200, reply.status());
    assertEquals("notebook default", reply.body().toString());
    assertEquals("max-age=31536000", reply.header("Strict-Transport-Security"));
    assertEquals(RouterExtension.INSTANCE, reply.header("X-Wharf-Instance"));
    assertTrue(reply.header("X-Request-Id") != null && !reply.header("X-Request-Id").isEmpty());
    assertEquals(reply.header("X-Request-Id"), router.notebook().next().headers().get("X-Request-Id"),
      "the container saw the id the client got");
    assertEquals(before + 1, router.fastPathRequests());
  }

  @Test
  void requestsOutsideTheCommonCaseTakeVertxPath() throws Exception {
    aliceRuns();
    long before = router.fastPathRequests();
    assertEquals(200, router.send(HttpMethod.HEAD, "/user/alice/tree", null, "Cookie", router.cookie("alice")).status());
    assertEquals(200, router.get("/user/alice/api/status", "Cookie", router.cookie("alice"), "Expect", "").status());
    assertEquals(401, router.get("/user/alice/api/status", "Accept", "application/json").status(), "no cookie");
    assertEquals(403, router.get("/user/alice/api/status", "Cookie", router.cookie("bob")).status(), "another user's cookie");
    assertEquals(503, router.get("/user/carol/api/status", "Cookie", router.cookie("carol")).status(), "no running server");
    assertEquals(302, router.get("/user/alice", "Cookie", router.cookie("alice")).status(), "the missing slash");
    assertEquals(before, router.fastPathRequests());
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrderWhicheverPathServesThem() throws Exception {
    aliceRuns();
    String cookie = "Cookie: " + router.cookie("alice") + "\r\n";
    String host = "Host: " + router.authority() + "\r\n";
    long before = router.fastPathRequests();
    try (RawHttps connection = RawHttps.connect(router.authority())) {
      // Fast, fast, Vert.x's (no cookie: 401), fast, Vert.x's (HEAD), fast: in one write.
      connection.send("GET /user/alice/api/one HTTP/1.1\r\n" + host + cookie + "\r\n"
        + "POST /user/alice/api/two HTTP/1.1\r\n" + host + cookie + "Content-Length: 3\r\n\r\nabc"
        + "GET /user/alice/api/three HTTP/1.1\r\n" + host + "Accept: application/json\r\n\r\n"
        + "GET /user/alice/api/four HTTP/1.1\r\n" + host + cookie + "\r\n"
        + "GET /user/alice/api/five HTTP/1.1\r\n" + host + cookie + "Connection: keep-alive\r\n\r\n"
        + "GET /user/alice/api/six HTTP/1.1\r\n" + host + cookie + "\r\n");
      List<String> statuses = new ArrayList<>();
      List<String> ids = new ArrayList<>();
      List<String> bodies = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        String response = connection.readResponse();
        statuses.add(first(STATUS, response));
        ids.add(first(REQUEST_ID, response));
        bodies.add(response.substring(response.indexOf("\r\n\r\n") + 4));
      }
      assertEquals(List.of("200", "200", "401", "200", "200", "200"), statuses);
      assertEquals(List.of("notebook default", "abc"), bodies.subList(0, 2));
      assertEquals(6, new HashSet<>(ids).size(), "each answer its own request's: " + ids);
    }
    List<String> reached = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      reached.add(router.notebook().next().uri());
    }
    assertEquals(List.of("/user/alice/api/one", "/user/alice/api/two", "/user/alice/api/four", "/user/alice/api/five",
      "/user/alice/api/six"), reached);
    assertEquals(before + 3, router.fastPathRequests(), "one, two and four; five has a Connection header, and six came "
      + "while Vert.x still answered five");
  }

  @Test
  void sequentialRequestsReuseOneConnectionToTheContainer() throws Exception {
    aliceRuns();
    HashSet<Integer> ports = new HashSet<>();
    for (int i = 0; i < 10; i++) {
      assertEquals(200, router.get("/user/alice/api/status", "Cookie", router.cookie("alice")).status());
      ports.add(router.notebook().next().port());
    }
    assertEquals(1, ports.size(), "one kept-alive connection: " + ports);
  }

  @Test
  void aClientThatGoesAwayMidAnswerClosesTheContainersConnection() throws Exception {
    aliceRuns();
    String uri = "/user/alice/api/stream?chunks=1000000";
    HttpConnection connection = router.sendOnOwnConnection(uri, "Cookie", router.cookie("alice"));
    assertEquals(uri, router.notebook().next().uri());
    Thread.sleep(100);
    RouterExtension.await(connection.close());
    assertEquals(uri, router.notebook().nextAbandoned(2000), "the container's answer was cut off with the client's");
    // The connection that carried it is gone from the pool: the next request gets another.
    assertEquals(200, router.get("/user/alice/api/status", "Cookie", router.cookie("alice")).status());
  }

  @Test
  void overHttp2AGetWithTheUsersCookieTakesTheFastPathAndGetsTheSameAnswer() throws Exception {
    aliceRuns();
    long before = router.fastPathRequests();
    Reply reply = router.getOverHttp2("/user/alice/api/status?x=1", "cookie", "_xsrf=abc", "cookie", router.cookie("alice"));
    assertEquals(HttpVersion.HTTP_2, reply.version());
    assertEquals(200, reply.status());
    assertEquals("notebook default", reply.body().toString());
    assertEquals("text/plain", reply.header("content-type"));
    assertEquals("default", reply.header("x-notebook"));
    assertEquals("max-age=31536000", reply.header("strict-transport-security"));
    assertEquals(RouterExtension.INSTANCE, reply.header("x-wharf-instance"));
    assertNull(reply.header("connection"), "no connection-specific header on HTTP/2");
    assertNull(reply.header("keep-alive"));
    assertNull(reply.header("x-hop-note"), "named in the container's Connection header");
    Seen seen = router.notebook().next();
    assertEquals("/user/alice/api/status?x=1", seen.uri());
    assertEquals("_xsrf=abc", seen.headers().get("Cookie"), "the split cookies joined, without Wharf's");
    assertEquals("token " + router.notebook().token(), seen.headers().get("Authorization"));
    assertEquals(router.authority(), seen.headers().get("Host"), "the :authority");
    assertEquals(reply.header("x-request-id"), seen.headers().get("X-Request-Id"), "the container saw the id the client got");
    assertEquals(before + 1, router.fastPathRequests());
  }

  @Test
  void overHttp2BodylessDeleteAndOptionsTakeTheFastPathToo() throws Exception {
    aliceRuns();
    long before = router.fastPathRequests();
    for (HttpMethod method : List.of(HttpMethod.DELETE, HttpMethod.OPTIONS)) {
      Reply reply = router.sendOverHttp2(method, "/user/alice/api/sessions/s1", (Buffer) null, "cookie", router.cookie("alice"));
      assertEquals(200, reply.status(), method.name());
      assertEquals(method, router.notebook().next().method());
    }
    assertEquals(before + 2, router.fastPathRequests());
  }

  @Test
  void pastTheConnectionsAndAsManyWaitingARequestTakesVertxPath() throws Exception {
    aliceRuns();
    long before = router.fastPathRequests();
    int max = RouterExtension.MAX_CONNECTIONS_PER_SERVER;
    // Requests the container never answers: the first take the fast path's connections, the next as many wait for one.
    List<Future<Buffer>> slow = new ArrayList<>();
    for (int i = 0; i < 2 * max; i++) {
      slow.add(router.bodyOverHttp2("/user/alice/api/slow", "cookie", router.cookie("alice"), "accept", "application/json"));
    }
    for (int i = 0; i < max; i++) {
      assertEquals("/user/alice/api/slow", router.notebook().next().uri());
    }
    // The last ones to wait may still be on their way to the router once the first reach the container.
    long deadline = System.currentTimeMillis() + 5_000;
    while (router.fastPathRequests() < before + 2 * max && System.currentTimeMillis() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(before + 2 * max, router.fastPathRequests());
    Reply reply = router.getOverHttp2("/user/alice/api/status", "cookie", router.cookie("alice"));
    assertEquals(200, reply.status(), "served by Vert.x's path and its own connections");
    assertEquals(before + 2 * max, router.fastPathRequests());
    for (Future<Buffer> answer : slow) {
      assertTrue(new JsonObject(RouterExtension.await(answer)).getString("message").contains("did not answer in time"),
        "the waiting requests too get the response timeout's answer");
    }
  }

  @Test
  void overHttp2RequestsOutsideTheCommonCaseTakeVertxPath() throws Exception {
    aliceRuns();
    long before = router.fastPathRequests();
    Reply post = router.sendOverHttp2(HttpMethod.POST, "/user/alice/api/echo", Buffer.buffer("abc"), "cookie", router.cookie("alice"));
    assertEquals(200, post.status(), "a request with a body");
    assertEquals("abc", post.body().toString());
    assertEquals(200, router.sendOverHttp2(HttpMethod.HEAD, "/user/alice/tree", (Buffer) null, "cookie", router.cookie("alice")).status());
    assertEquals(401, router.getOverHttp2("/user/alice/api/status", "accept", "application/json").status(), "no cookie");
    assertEquals(403, router.getOverHttp2("/user/alice/api/status", "cookie", router.cookie("bob")).status(), "another user's cookie");
    assertEquals(503, router.getOverHttp2("/user/carol/api/status", "cookie", router.cookie("carol")).status(), "no running server");
    assertEquals(before, router.fastPathRequests());
  }

  @Test
  void overHttp2ALongAnswerFollowsTheStreamsFlowControlAndArrivesWhole() throws Exception {
    aliceRuns();
    long before = router.fastPathRequests();
    int chunks = 100_000;
    Reply reply = router.getOverHttp2("/user/alice/api/stream?chunks=" + chunks, "cookie", router.cookie("alice"));
    assertEquals(200, reply.status());
    String body = reply.body().toString();
    assertTrue(body.startsWith("line 0\nline 1\n") && body.endsWith("line " + (chunks - 1) + "\n"), "whole");
    assertEquals(chunks, body.split("\n").length);
    assertEquals(before + 1, router.fastPathRequests());
  }

  @Test
  void overHttp2WithABrowsersLargeWindowsALongAnswerGoesOnOnceTheSocketDrains() throws Exception {
    aliceRuns();
    // Windows of 1 GiB (browsers open megabytes): the client sends no WINDOW_UPDATE here, so a
    // stream paused on the router's full socket must go on when the socket drains.
    Vertx vertx = Vertx.vertx();
    try {
      HttpClient client = http2Client(vertx, new HttpClientOptions().setHttp2ConnectionWindowSize(1 << 30)
        .setInitialSettings(new Http2Settings().setInitialWindowSize(1 << 30)));
      long before = router.fastPathRequests();
      int bytes = 48 << 20;
      HttpClientRequest request = RouterExtension.await(client.request(HttpMethod.GET, "/user/alice/api/big?bytes=" + bytes));
      Future<Buffer> body = request.putHeader("cookie", router.cookie("alice")).send().compose(response -> {
        // The client stops reading its socket for a while: the router's fills up behind it.
        Channel channel = ((ConnectionBase) request.connection()).channelHandlerContext().channel();
        channel.config().setAutoRead(false);
        vertx.setTimer(1000, id -> channel.config().setAutoRead(true));
        return response.body();
      });
      assertEquals(bytes, body.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS).length());
      assertEquals(before + 1, router.fastPathRequests());
    } finally {
      RouterExtension.await(vertx.close());
    }
  }

  @Test
  void overHttp2AStreamTheClientResetsClosesTheContainersConnectionAndTheConnectionServesOn() throws Exception {
    aliceRuns();
    String uri = "/user/alice/api/stream?chunks=1000000";
    HttpClientRequest request = router.startOverHttp2(HttpMethod.GET, uri, "cookie", router.cookie("alice"));
    assertEquals(uri, router.notebook().next().uri());
    // Read nothing: the stream's window fills, and the router holds some of the answer when the reset comes.
    RouterExtension.await(request.response()).pause();
    Thread.sleep(300);
    RouterExtension.await(request.reset());
    assertEquals(uri, router.notebook().nextAbandoned(2000), "the container's answer was cut off with the stream");
    HttpClientRequest next = router.startOverHttp2(HttpMethod.GET, "/user/alice/api/status", "cookie", router.cookie("alice"));
    assertEquals(200, RouterExtension.await(next.response()).statusCode());
    assertSame(request.connection(), next.connection(), "the client's connection carried on");
  }

  @Test
  void overHttp2AConnectionResetMidAnswersClosesTheirContainersConnectionsQuietly() throws Exception {
    aliceRuns();
    String uri = "/user/alice/api/stream?chunks=1000000";
    Vertx vertx = Vertx.vertx();
    try (LogCapture log = LogCapture.start()) {
      HttpClient client = http2Client(vertx, new HttpClientOptions());
      HttpClientRequest request = null;
      for (int i = 0; i < 3; i++) {
        request = RouterExtension.await(client.request(HttpMethod.GET, uri));
        request.putHeader("cookie", router.cookie("alice")).end();
        // The client's own streams fail with the reset; that is not what is checked.
        RouterExtension.await(request.response()).exceptionHandler(failure -> { });
      }
      for (int i = 0; i < 3; i++) {
        assertEquals(uri, router.notebook().next().uri());
      }
      // Short answers keep coming on thirty streams at a time, as from a load generator.
      for (int i = 0; i < 30; i++) {
        keepAsking(client);
      }
      Thread.sleep(500);
      // The client stops reading for a moment: the router's socket fills, and answers whose
      // exchange is over wait there, their streams open until the write completes.
      Channel channel = ((ConnectionBase) request.connection()).channelHandlerContext().channel();
      channel.config().setAutoRead(false);
      Thread.sleep(300);
      // Three long answers and thirty short ones are under way when the connection is reset.
      channel.config().setOption(ChannelOption.SO_LINGER, 0);
      channel.close();
      for (int i = 0; i < 3; i++) {
        assertEquals(uri, router.notebook().nextAbandoned(2000), "each container answer was cut off with the connection");
      }
      assertEquals(200, router.getOverHttp2("/user/alice/api/status", "cookie", router.cookie("alice")).status());
      Thread.sleep(300);
      // The test's client logs its own streams' failures; the router (every request here takes the fast path) logs nothing.
      assertEquals(List.of(), log.warnings().stream().filter(line -> !line.contains(".HttpClient")).toList(),
        "a client that goes away is no warning");
    } finally {
      RouterExtension.await(vertx.close());
    }
  }

  @Test
  void overHttp2AClientsConnectionErrorWhileAStreamIsClaimedClosesTheConnection() throws Exception {
    aliceRuns();
    Vertx vertx = Vertx.vertx();
    try (LogCapture log = LogCapture.start()) {
      HttpClient client = http2Client(vertx, new HttpClientOptions());
      HttpClientRequest request = RouterExtension.await(client.request(HttpMethod.GET, "/user/alice/api/slow"));
      request.exceptionHandler(failure -> { });
      request.putHeader("cookie", router.cookie("alice")).end();
      assertEquals("/user/alice/api/slow", router.notebook().next().uri());
      Promise<Void> closed = Promise.promise();
      request.connection().closeHandler(v -> closed.tryComplete());
      // A WINDOW_UPDATE of 0 on the connection: a connection error (RFC 9113 §6.9), written under the client's TLS.
      ChannelHandlerContext codec = ((ConnectionBase) request.connection()).channelHandlerContext();
      codec.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {0, 0, 4, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
      closed.future().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      assertEquals("/user/alice/api/slow", router.notebook().nextAbandoned(2000), "the claimed stream's container connection closed");
      assertEquals(List.of(), log.warnings());
    } finally {
      RouterExtension.await(vertx.close());
    }
  }

  @Test
  void requestsBeyondTheContainersConnectionsWaitForOneOnTheFastPath() throws Exception {
    aliceRuns();
    long before = router.fastPathRequests();
    // As many as the pool has connections, and as many again waiting for them: none left to Vert.x.
    int requests = 2 * RouterExtension.MAX_CONNECTIONS_PER_SERVER;
    List<Future<Buffer>> bodies = new ArrayList<>();
    for (int i = 0; i < requests; i++) {
      bodies.add(router.bodyOverHttp2("/user/alice/api/stream?chunks=200", "cookie", router.cookie("alice")));
    }
    HashSet<Integer> ports = new HashSet<>();
    for (Future<Buffer> body : bodies) {
      assertTrue(RouterExtension.await(body).toString().endsWith("line 199\n"), "whole");
      ports.add(router.notebook().next().port());
    }
    assertEquals(before + requests, router.fastPathRequests(), "none handed to Vert.x's path");
    assertTrue(ports.size() <= RouterExtension.MAX_CONNECTIONS_PER_SERVER, "connections to the container: " + ports);
  }

  @Test
  void overHttp2AContainerThatRefusesConnectionsGets502() throws Exception {
    router.putRunningOnAClosedPort("alice");
    long before = router.fastPathRequests();
    Reply reply = router.getOverHttp2("/user/alice/api/status", "cookie", router.cookie("alice"), "accept", "application/json");
    assertEquals(502, reply.status());
    assertEquals("application/json", reply.header("content-type"));
    assertEquals("the notebook server is not reachable", new JsonObject(reply.body()).getString("message"));
    assertEquals("max-age=31536000", reply.header("strict-transport-security"));
    assertEquals(before + 1, router.fastPathRequests());
  }

  /** An HTTP/2 client of a test's own, with {@code options}: its connection can break without touching the shared one. */
  private static HttpClient http2Client(Vertx vertx, HttpClientOptions options) {
    String[] authority = router.authority().split(":");
    return vertx.createHttpClient(options.setSsl(true).setTrustAll(true).setVerifyHost(false).setUseAlpn(true)
      .setProtocolVersion(HttpVersion.HTTP_2).setDefaultHost(authority[0]).setDefaultPort(Integer.parseInt(authority[1])));
  }

  /** Asks for a short answer, and again each time one has come, until the connection fails. */
  private static void keepAsking(HttpClient client) {
    client.request(HttpMethod.GET, "/user/alice/api/status")
      .compose(request -> request.putHeader("cookie", router.cookie("alice")).send())
      .compose(response -> response.body())
      .onSuccess(body -> keepAsking(client));
  }

  private static String first(Pattern pattern, String text) {
    Matcher m = pattern.matcher(text);
    return m.find() ? m.group(1) : null;
  }
}
