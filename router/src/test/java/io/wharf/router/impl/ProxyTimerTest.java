package io.wharf.router.impl;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The proxy timer on a real HTTP server: one timer per status class, ended responses only. */
class ProxyTimerTest {

  private Vertx vertx;
  private HttpClient client;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    client = vertx.createHttpClient();
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private long count(String statusClass) {
    return registry.get(ProxyTimer.NAME).tag("status", statusClass).timer().count();
  }

  private int serve(Handler<HttpServerRequest> handler) throws Exception {
    HttpServer server = vertx.createHttpServer().requestHandler(ProxyTimer.register(registry).around(handler));
    return server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS).actualPort();
  }

  private int get(int port, String path) throws Exception {
    return client.request(HttpMethod.GET, port, "127.0.0.1", path)
      .compose(request -> request.send().compose(response -> response.body().map(response.statusCode())))
      .await(10, TimeUnit.SECONDS);
  }

  @Test
  void recordsEachAnswerUnderItsStatusClass() throws Exception {
    int port = serve(request -> {
      int status = Integer.parseInt(request.path().substring(1));
      if (status == 200) {
        // An answer that takes a while, as a proxied one does.
        vertx.setTimer(50, id -> request.response().setStatusCode(status).end("slow"));
      } else {
        request.response().setStatusCode(status).end();
      }
    });
    assertEquals(200, get(port, "/200"));
    assertEquals(302, get(port, "/302"));
    assertEquals(401, get(port, "/401"));
    assertEquals(403, get(port, "/403"));
    assertEquals(502, get(port, "/502"));
    assertEquals(1, count("2xx"));
    assertEquals(1, count("3xx"));
    assertEquals(2, count("4xx"));
    assertEquals(1, count("5xx"));
    assertEquals(0, count("1xx"));
    double seconds = registry.get(ProxyTimer.NAME).tag("status", "2xx").timer().totalTime(TimeUnit.SECONDS);
    assertTrue(seconds >= 0.045 && seconds < 5, "the slow answer's duration: " + seconds);
    assertEquals(5, registry.get(ProxyTimer.NAME).timers().size(), "the five status classes, and no other label values");
  }

  @Test
  void aResponseThatNeverEndsIsNotRecorded() throws Exception {
    int port = serve(request -> {
      request.response().setChunked(true).write("partial");
      vertx.setTimer(100, id -> request.connection().close());
    });
    try {
      client.request(HttpMethod.GET, port, "127.0.0.1", "/")
        .compose(request -> request.send().compose(HttpClientResponse::body))
        .await(10, TimeUnit.SECONDS);
    } catch (Exception expected) {
      // The server cut the answer short.
    }
    // The server side learns of the close on its own event loop; give it a moment.
    Thread.sleep(300);
    for (String statusClass : new String[]{"1xx", "2xx", "3xx", "4xx", "5xx"}) {
      assertEquals(0, count(statusClass), statusClass);
    }
  }

  @Test
  void withoutARegistryTheHandlerIsLeftAsItIs() {
    Handler<HttpServerRequest> handler = request -> { };
    assertSame(handler, ProxyTimer.register(null).around(handler));
  }
}
