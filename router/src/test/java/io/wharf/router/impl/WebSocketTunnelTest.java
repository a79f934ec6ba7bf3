package io.wharf.router.impl;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.wharf.session.ServerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tunnel's cap per server, and its flow control, with no Docker: a backend that writes as fast as it is allowed to,
 * and a client that stops reading. If the router buffered without bound, the backend could keep
 * writing; with backpressure its writes stall once the socket buffers are full.
 */
class WebSocketTunnelTest {

  private static final int CHUNK = 64 * 1024;
  private static final long BOUND = 48L * 1024 * 1024;
  private static final long STALL_MILLIS = 500;

  private Vertx vertx;
  private final AtomicLong written = new AtomicLong();
  private final AtomicLong received = new AtomicLong();
  private WebSocketGauge gauge;
  // Held in a field: Vert.x closes a client once nothing references it.
  private io.vertx.core.http.WebSocketClient wsClient;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private void flood(ServerWebSocket ws) {
    if (ws.isClosed()) {
      return;
    }
    Buffer chunk = Buffer.buffer(new byte[CHUNK]);
    ws.drainHandler(v -> flood(ws));
    ws.exceptionHandler(err -> { });
    while (!ws.isClosed() && !ws.writeQueueFull()) {
      ws.writeBinaryMessage(chunk);
      written.addAndGet(CHUNK);
      if (written.get() > 4 * BOUND) {
        return;
      }
    }
  }

  /**
   * What the backend has written once it has written nothing for {@link #STALL_MILLIS}: with flow
   * control that is where the socket buffers are full; without, the flood stops at four times
   * {@link #BOUND} and this returns that.
   */
  private long awaitStall() throws InterruptedException {
    long deadline = System.currentTimeMillis() + 20_000;
    long last = -1;
    long lastChange = System.currentTimeMillis();
    while (System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
      long now = written.get();
      if (now != last) {
        last = now;
        lastChange = System.currentTimeMillis();
      } else if (System.currentTimeMillis() - lastChange >= STALL_MILLIS) {
        break;
      }
    }
    return written.get();
  }

  private final java.util.concurrent.atomic.AtomicLong traffic = new java.util.concurrent.atomic.AtomicLong();

  @Test
  void upgradesBeyondTheCapPerServerGet503UntilOneCloses() throws Exception {
    HttpServer backend = vertx.createHttpServer().webSocketHandler(ws -> ws.handler(ws::write)).listen(0, "127.0.0.1")
      .await(10, TimeUnit.SECONDS);
    ServerRecord route = new ServerRecord("alice", "", ServerRecord.State.RUNNING, "test", "c", "127.0.0.1", backend.actualPort(),
      "token", 0, 0, 100, "ready", "");
    gauge = WebSocketGauge.register(null);
    WebSocketTunnel tunnel = new WebSocketTunnel(vertx, "wharf-session", null, gauge, null, 2, 2000, 0);
    HttpServer front = vertx.createHttpServer().requestHandler(request -> tunnel.open(request, route, () -> { }))
      .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    wsClient = vertx.createWebSocketClient();
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(front.actualPort())
      .setURI("/user/alice/api/kernels/k/channels").putHeader("Origin", "https://127.0.0.1:" + front.actualPort());
    WebSocket first = wsClient.connect(options).await(10, TimeUnit.SECONDS);
    wsClient.connect(options).await(10, TimeUnit.SECONDS);
    UpgradeRejectedException refused = assertThrows(UpgradeRejectedException.class,
      () -> wsClient.connect(options).await(10, TimeUnit.SECONDS));
    assertEquals(503, refused.getStatus());
    assertEquals(new JsonObject().put("status", 503).put("message", "too many WebSockets to this server"),
      refused.getBody().toJsonObject());
    assertEquals(2, gauge.open(route.key()));

    first.close().await(10, TimeUnit.SECONDS);
    long deadline = System.currentTimeMillis() + 5_000;
    while (gauge.open(route.key()) > 1 && System.currentTimeMillis() < deadline) {
      Thread.sleep(10);
    }
    wsClient.connect(options).await(10, TimeUnit.SECONDS);
    assertEquals(2, gauge.open(route.key()), "a closed WebSocket gives its slot back");
  }

  @Test
  void whatTheClientSendsCountsAsTheServersActivity() throws Exception {
    AtomicLong backendGot = new AtomicLong();
    HttpServer backend = vertx.createHttpServer().webSocketHandler(ws -> ws.handler(b -> backendGot.addAndGet(b.length())))
      .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    ServerRecord route = new ServerRecord("alice", "", ServerRecord.State.RUNNING, "test", "c", "127.0.0.1", backend.actualPort(),
      "token", 0, 0, 100, "ready", "");
    WebSocketTunnel tunnel = new WebSocketTunnel(vertx, "wharf-session", null, WebSocketGauge.register(null), null, 10, 2000, 0);
    HttpServer front = vertx.createHttpServer().requestHandler(request -> tunnel.open(request, route, traffic::incrementAndGet))
      .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    wsClient = vertx.createWebSocketClient();
    WebSocket client = wsClient.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(front.actualPort())
      .setURI("/user/alice/api/kernels/k/channels").putHeader("Origin", "https://127.0.0.1:" + front.actualPort()))
      .await(10, TimeUnit.SECONDS);
    Thread.sleep(100);
    long before = traffic.get();
    client.writeTextMessage("{\"msg_type\": \"execute_request\"}").await(10, TimeUnit.SECONDS);
    long deadline = System.currentTimeMillis() + 5_000;
    while (backendGot.get() == 0 && System.currentTimeMillis() < deadline) {
      Thread.sleep(10);
    }
    assertTrue(backendGot.get() > 0, "the message reached the container");
    assertTrue(traffic.get() > before, "a message from the client, with nothing back, is activity");
  }

  @Test
  void slowClientStallsTheBackendInsteadOfGrowingTheRouter() throws Exception {
    HttpServer backend = vertx.createHttpServer().webSocketHandler(this::flood).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    ServerRecord route = new ServerRecord("alice", "", ServerRecord.State.RUNNING, "test", "c", "127.0.0.1", backend.actualPort(),
      "token", 0, 0, 100, "ready", "");
    gauge = WebSocketGauge.register(null);
    WebSocketTunnel tunnel = new WebSocketTunnel(vertx, "wharf-session", null, gauge, null, 10, 2000, 0);
    HttpServer front = vertx.createHttpServer().requestHandler(request -> tunnel.open(request, route, traffic::incrementAndGet))
      .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);

    wsClient = vertx.createWebSocketClient();
    WebSocket client = wsClient
      .connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(front.actualPort()).setURI("/user/alice/api/kernels/k/channels")
        .putHeader("Origin", "https://127.0.0.1:" + front.actualPort()))
      .await(10, TimeUnit.SECONDS);
    client.handler(buffer -> received.addAndGet(buffer.length()));
    client.pause();
    assertEquals(1, gauge.open());

    long stalledAt = awaitStall();
    System.out.println("backend stalled after " + stalledAt / 1024 + " KiB with the client not reading");
    assertTrue(stalledAt > 0, "the backend wrote something");
    assertTrue(stalledAt < BOUND, "the backend stalled at " + stalledAt + " bytes, within socket buffers");
    Thread.sleep(STALL_MILLIS);
    assertTrue(written.get() - stalledAt <= 4L * CHUNK, "and stays stalled while the client does not read");

    // Reading again lets the flow resume end to end.
    client.resume();
    long deadline = System.currentTimeMillis() + 10_000;
    while (received.get() < stalledAt + 8L * CHUNK && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    assertTrue(received.get() >= stalledAt + 8L * CHUNK, "data flows again: received " + received.get());
    assertTrue(traffic.get() > 0, "the data counted as the server's activity");

    client.close().await(10, TimeUnit.SECONDS);
    deadline = System.currentTimeMillis() + 5_000;
    while (gauge.open() != 0 && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    assertEquals(0, gauge.open(), "closing the client closes the tunnel");
  }
}
