package io.wharf.router.impl;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.wharf.session.ServerRecord;
import io.wharf.session.SessionCookies;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The access log's line, and what the router writes in it on a real server (no Docker). */
class AccessLogTest {

  private Vertx vertx;
  private HttpClient client;
  private WebSocketClient wsClient;
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  private final SessionCookies cookies = SessionCookies.create(List.of(new byte[32]), Duration.ofHours(1));
  private AccessLog accessLog;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    client = vertx.createHttpClient();
    lines.start();
    ((Logger) LoggerFactory.getLogger(AccessLog.LOGGER)).addAppender(lines);
    accessLog = new AccessLog("local", new CookieAuthenticator(cookies, key -> null, 10), "wharf-session");
  }

  @AfterEach
  void tearDown() throws Exception {
    ((Logger) LoggerFactory.getLogger(AccessLog.LOGGER)).detachAppender(lines);
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void lineHasEveryFieldInOrder() {
    assertEquals("method=GET path=/user/alice/api/status status=200 bytes=512 ms=1.204 user=alice instance=local"
      + " request_id=5f0c2a9d31e7-1a", AccessLog.line("GET", "/user/alice/api/status", 200, 512, 1_204_567, "alice",
      "local", "5f0c2a9d31e7-1a"));
    assertEquals("method=POST path=/hub/login status=302 bytes=0 ms=0.005 user=- instance=a request_id=-",
      AccessLog.line("POST", "/hub/login", 302, 0, 5_400, null, "a", null));
    assertTrue(AccessLog.line("GET", "/", 200, 0, 12_345_678_900L, null, "a", "x").contains(" ms=12345.678 "));
  }

  @Test
  void valuesCannotSplitOrForgeALine() {
    String line = AccessLog.line("GET", "/user/a/b c\"d\\\n status=200 é", 200, 0, 0, "-", AccessLog.escape("in stance"), "x");
    assertEquals("method=GET path=/user/a/b%20c%22d%5C%0A%20status=200%20%C3%A9 status=200 bytes=0 ms=0.000 user=-"
      + " instance=in%20stance request_id=x", line);
  }

  private int serve(Handler<HttpServerRequest> handler) throws Exception {
    RequestIds ids = RequestIds.create(false);
    Handler<HttpServerRequest> logged = ProxyTimer.register(null).around(handler, accessLog);
    return vertx.createHttpServer().requestHandler(request -> {
      ids.assign(request);
      logged.handle(request);
    }).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS).actualPort();
  }

  private List<String> logged(int count) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 5_000;
    while (System.currentTimeMillis() < deadline) {
      synchronized (lines) {
        if (lines.list.size() >= count) {
          return lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        }
      }
      Thread.sleep(10);
    }
    throw new AssertionError("expected " + count + " access lines, got " + lines.list);
  }

  @Test
  void proxyPathLinesHaveNoQueryStringAndTheCookiesUser() throws Exception {
    int port = serve(request -> request.response().end("hello"));
    String cookie = cookies.issue("alice", "id-of-alice");
    String id = client.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port)
        .setURI("/user/alice/tree?token=SECRET&_xsrf=ALSO").putHeader("Cookie", "wharf-session=" + cookie))
      .compose(request -> request.send().compose(response -> response.body().map(body -> response.getHeader("X-Request-Id"))))
      .await(10, TimeUnit.SECONDS);
    String line = logged(1).get(0);
    assertEquals("method=GET path=/user/alice/tree status=200 bytes=5", line.substring(0, line.indexOf(" ms=")));
    assertTrue(line.endsWith(" user=alice instance=local request_id=" + id), line);
    assertFalse(line.contains("SECRET") || line.contains("ALSO") || line.contains("?"), line);
  }

  @Test
  void aClientGoneBeforeTheStatusIsLoggedAs499() throws Exception {
    CountDownLatch arrived = new CountDownLatch(1);
    int port = serve(request -> arrived.countDown());
    HttpClientRequest request = client.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port)
      .setURI("/user/alice/slow")).await(10, TimeUnit.SECONDS);
    request.end().await(10, TimeUnit.SECONDS);
    assertTrue(arrived.await(5, TimeUnit.SECONDS));
    assertTrue(lines.list.isEmpty(), "nothing is logged while the request waits");
    request.connection().close().await(10, TimeUnit.SECONDS);
    String line = logged(1).get(0);
    assertTrue(line.startsWith("method=GET path=/user/alice/slow status=499 bytes=0 ms="), line);
  }

  @Test
  void aWebSocketUpgradeIsLoggedOnceWith101() throws Exception {
    AtomicReference<String> backendSaw = new AtomicReference<>();
    int backend = vertx.createHttpServer().webSocketHandler(ws -> {
      backendSaw.set(ws.headers().get("X-Request-Id"));
      ws.handler(ws::write);
    }).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS).actualPort();
    ServerRecord route = new ServerRecord("alice", "", ServerRecord.State.RUNNING, "test", "c", "127.0.0.1", backend, "token", 0, 0, 100,
      "ready", "");
    WebSocketTunnel tunnel = new WebSocketTunnel(vertx, "wharf-session", null, WebSocketGauge.register(null),
      accessLog, 10, 2000, 0);
    int port = serve(request -> tunnel.open(request, route, () -> { }));
    wsClient = vertx.createWebSocketClient();
    WebSocket ws = wsClient.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
      .setURI("/user/alice/api/kernels/k/channels?session_id=SECRET").putHeader("Origin", "https://127.0.0.1:" + port))
      .await(10, TimeUnit.SECONDS);
    String line = logged(1).get(0);
    assertTrue(line.startsWith("method=GET path=/user/alice/api/kernels/k/channels status=101 bytes=0 ms="), line);
    assertTrue(line.endsWith(" request_id=" + backendSaw.get()), "the container got the logged id: " + line);
    ws.close().await(10, TimeUnit.SECONDS);
    Thread.sleep(200);
    assertEquals(1, logged(1).size(), "the tunnel's end adds no line");
  }
}
