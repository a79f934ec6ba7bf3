package io.wharf.router.impl;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import io.wharf.session.ServerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client that goes away at each point of an upgrade leaves no socket open: before the
 * container answered, while its 101 is on the way, and once the tunnel is joined; and a
 * container that goes away closes the client's side. The container is a raw TCP server that
 * answers when the test says so and counts its open connections; the client is a raw TCP socket
 * that sends the upgrade by hand. Each case repeats, and the process's file descriptors are
 * counted around it.
 */
class WebSocketUpgradeTest {

  private static final int ROUNDS = 30;
  private static final String SWITCH = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";

  private Vertx vertx;
  private WebSocketGauge gauge;
  private final AtomicInteger backendOpen = new AtomicInteger();
  private final BlockingQueue<NetSocket> upgrades = new LinkedBlockingQueue<>();
  private final List<NetSocket> clients = new CopyOnWriteArrayList<>();
  private int frontPort;
  private ServerRecord route;
  // Held in a field: Vert.x closes a client once nothing references it.
  private NetClient netClient;

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    NetServer backend = vertx.createNetServer().connectHandler(socket -> {
      backendOpen.incrementAndGet();
      socket.closeHandler(v -> backendOpen.decrementAndGet());
      Buffer head = Buffer.buffer();
      socket.handler(data -> {
        boolean complete = head.length() > 0 && head.toString().contains("\r\n\r\n");
        head.appendBuffer(data);
        if (!complete && head.toString().contains("\r\n\r\n")) {
          upgrades.add(socket);
        } else if (complete) {
          socket.write(data);
        }
      });
    });
    int backendPort = backend.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS).actualPort();
    route = new ServerRecord("alice", "", ServerRecord.State.RUNNING, "test", "c", "127.0.0.1", backendPort,
      "token", 0, 0, 100, "ready", "");
    gauge = WebSocketGauge.register(null);
    WebSocketTunnel tunnel = new WebSocketTunnel(vertx, "wharf-session", null, gauge, null, 1000, 2000, 0);
    HttpServer front = vertx.createHttpServer().requestHandler(request -> tunnel.open(request, route, () -> { }))
      .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    frontPort = front.actualPort();
    netClient = vertx.createNetClient();
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** Connects to the router and sends a WebSocket upgrade; returns once the container has received it. */
  private NetSocket upgrade(Buffer received) throws Exception {
    NetSocket client = netClient.connect(frontPort, "127.0.0.1").await(10, TimeUnit.SECONDS);
    clients.add(client);
    client.handler(received::appendBuffer);
    client.write("GET /user/alice/api/kernels/k/channels HTTP/1.1\r\nHost: 127.0.0.1:" + frontPort + "\r\n"
      + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
      + "Sec-WebSocket-Version: 13\r\n\r\n").await(10, TimeUnit.SECONDS);
    return client;
  }

  private NetSocket nextUpgrade() throws InterruptedException {
    NetSocket backend = upgrades.poll(5, TimeUnit.SECONDS);
    assertNotNull(backend, "the upgrade reached the container");
    return backend;
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 5_000;
    while (!condition.getAsBoolean() && System.currentTimeMillis() < deadline) {
      Thread.sleep(10);
    }
    assertTrue(condition.getAsBoolean(), what);
  }

  private static long openFiles() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }

  /** Runs {@code round} {@link #ROUNDS} times, then checks that nothing is left open on either side. */
  private void leavesNothingOpen(Round round) throws Exception {
    try (LogCapture log = LogCapture.start()) {
      leavesNothingOpenQuietly(round);
      assertEquals(List.of(), log.warnings(), "an ordinary close is no warning");
    }
  }

  private void leavesNothingOpenQuietly(Round round) throws Exception {
    round.run(0);
    await(() -> backendOpen.get() == 0 && gauge.open() == 0, "the warm-up round closed everything");
    long filesBefore = openFiles();
    for (int i = 1; i <= ROUNDS; i++) {
      round.run(i);
    }
    await(() -> backendOpen.get() == 0, "every connection to the container was closed, " + backendOpen.get() + " open");
    await(() -> gauge.open() == 0, "every slot was given back, " + gauge.open() + " held");
    await(() -> clients.stream().allMatch(c -> closed(c)), "every client connection was closed");
    long filesAfter = openFiles();
    assertTrue(filesAfter <= filesBefore + 4, "file descriptors before " + filesBefore + ", after " + filesAfter + " rounds: " + filesAfter);
  }

  private final List<NetSocket> closedClients = new CopyOnWriteArrayList<>();

  private boolean closed(NetSocket client) {
    return closedClients.contains(client);
  }

  private NetSocket tracked(NetSocket client) {
    client.closeHandler(v -> closedClients.add(client));
    return client;
  }

  @FunctionalInterface
  private interface Round {
    void run(int i) throws Exception;
  }

  @Test
  void aClientGoneBeforeTheContainerAnsweredLeavesNoSocketOpen() throws Exception {
    leavesNothingOpen(i -> {
      NetSocket client = tracked(upgrade(Buffer.buffer()));
      NetSocket backend = nextUpgrade();
      client.close().await(10, TimeUnit.SECONDS);
      Thread.sleep(20);
      // The container answers after the client has gone, as a slow container or a full pool made it.
      backend.write(SWITCH);
    });
  }

  @Test
  void aClientGoneWhileThe101IsOnItsWayLeavesNoSocketOpen() throws Exception {
    leavesNothingOpen(i -> {
      NetSocket client = tracked(upgrade(Buffer.buffer()));
      NetSocket backend = nextUpgrade();
      // Both at once, in a different order each round, so the close lands before, during and after the switch.
      Future<Void> answered = i % 2 == 0 ? backend.write(SWITCH) : null;
      if (i % 3 != 0) {
        Thread.sleep(i % 5);
      }
      client.close();
      if (answered == null) {
        backend.write(SWITCH);
      }
    });
  }

  @Test
  void aClientGoneFromAJoinedTunnelClosesTheContainersSide() throws Exception {
    leavesNothingOpen(i -> {
      Buffer received = Buffer.buffer();
      NetSocket client = tracked(upgrade(received));
      nextUpgrade().write(SWITCH);
      client.write("ping");
      await(() -> received.toString().endsWith("ping"), "the container echoed through the tunnel");
      client.close().await(10, TimeUnit.SECONDS);
    });
  }

  @Test
  void aContainerGoneFromAJoinedTunnelClosesTheClientsSide() throws Exception {
    leavesNothingOpen(i -> {
      Buffer received = Buffer.buffer();
      tracked(upgrade(received));
      NetSocket backend = nextUpgrade();
      backend.write(SWITCH);
      await(() -> received.toString().contains("101 Switching Protocols"), "the client got the 101");
      backend.close();
    });
  }

  @Test
  void aContainerThatRefusesTheUpgradeIsAnsweredAndClosed() throws Exception {
    leavesNothingOpen(i -> {
      Buffer received = Buffer.buffer();
      NetSocket client = tracked(upgrade(received));
      nextUpgrade().write("HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nno");
      await(() -> received.toString().startsWith("HTTP/1.1 403") && received.toString().endsWith("no"), "the client got the 403");
      await(() -> gauge.open() == 0, "the refused upgrade holds no slot");
      client.close();
    });
  }

  @Test
  void bytesTheContainerSendsWithIts101ReachTheClientInOrder() throws Exception {
    leavesNothingOpen(i -> {
      Buffer received = Buffer.buffer();
      NetSocket client = tracked(upgrade(received));
      NetSocket backend = nextUpgrade();
      // A notebook's kernel sends its status as soon as the socket opens, often in the 101's own segment.
      backend.write(SWITCH + "first");
      backend.write("second");
      await(() -> received.toString().endsWith("firstsecond"), "the first bytes arrived after the 101, in order: " + received);
      client.write("ping");
      await(() -> received.toString().endsWith("firstsecondping"), "the tunnel carries the client's bytes too");
      client.close().await(10, TimeUnit.SECONDS);
    });
  }

  @Test
  void aTunnelWithNoTrafficIsClosedAfterTheIdleTimeout() throws Exception {
    WebSocketTunnel idling = new WebSocketTunnel(vertx, "wharf-session", null, gauge, null, 1000, 2000, 1);
    HttpServer front = vertx.createHttpServer().requestHandler(request -> idling.open(request, route, () -> { }))
      .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    frontPort = front.actualPort();
    Buffer received = Buffer.buffer();
    NetSocket client = tracked(upgrade(received));
    nextUpgrade().write(SWITCH);
    client.write("ping");
    await(() -> received.toString().endsWith("ping"), "the tunnel carried a message");
    await(() -> backendOpen.get() == 1 && gauge.open() == 1, "the tunnel is open");
    // The container's side has a one-second idle timeout; the pipe closes it, and the tunnel's end closes the client's.
    long deadline = System.currentTimeMillis() + 5_000;
    while (!closed(client) && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    assertTrue(closed(client), "the idle tunnel was closed");
    await(() -> backendOpen.get() == 0 && gauge.open() == 0, "both sides closed and the slot given back");
  }
}
