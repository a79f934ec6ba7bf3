package io.wharf.router.impl;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.WebSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The short version of {@code bench/websocket-soak.sh}: WebSockets opened, used and closed in a
 * loop for {@code wharf.churn.seconds} (15 s by default), with plain requests to the same
 * notebook in between, through a router that allows 16 connections per client address. Every
 * tunnel must give back its slot, its two descriptors and its client address's place (each
 * round opens more WebSockets than the address may hold at once, so one leaked place per tunnel
 * would lock the address out within two rounds); the process's descriptors and its heap after
 * a GC must end where they were after the first round.
 */
class WebSocketChurnTest {

  private static final int PER_ADDRESS = 16;
  private static final int PER_ROUND = 12;
  private static final long SECONDS = Long.getLong("wharf.churn.seconds", 15);

  @RegisterExtension
  static final RouterExtension router = new RouterExtension().connectionsPerAddress(PER_ADDRESS);

  @Test
  void openingAndClosingWebSocketsForAWhileLeavesNothingBehind() throws Exception {
    router.put(router.notebook().running("alice", ""));
    String cookie = router.cookie("alice");
    round(cookie, 0);
    settle();
    long filesBefore = openFiles();
    long heapBefore = heapAfterGc();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
    int rounds = 0;
    while (System.nanoTime() < deadline) {
      round(cookie, ++rounds);
    }
    settle();
    long filesAfter = openFiles();
    long heapAfter = heapAfterGc();
    assertTrue(rounds * PER_ROUND > 4 * PER_ADDRESS, "enough WebSockets to show a leaked place: " + rounds * PER_ROUND);
    assertTrue(filesAfter <= filesBefore + 4, "descriptors after the first round " + filesBefore + ", after " + rounds + " more: " + filesAfter);
    assertTrue(heapAfter <= heapBefore + 16L * 1024 * 1024,
      "heap after GC after the first round " + heapBefore / 1024 + " KiB, after " + rounds + " more: " + heapAfter / 1024 + " KiB");
  }

  /** Opens {@link #PER_ROUND} WebSockets, sends a message on each and waits for its echo, makes a plain request, closes them. */
  private static void round(String cookie, int round) throws Exception {
    List<Future<WebSocket>> opening = new ArrayList<>();
    for (int i = 0; i < PER_ROUND; i++) {
      opening.add(router.connect("/user/alice/api/kernels/k" + i + "/channels", "Origin", router.origin(), "Cookie", cookie));
    }
    Future.all(opening).await(20, TimeUnit.SECONDS);
    List<Future<String>> echoes = new ArrayList<>();
    for (int i = 0; i < PER_ROUND; i++) {
      Promise<String> echoed = Promise.promise();
      WebSocket socket = opening.get(i).result();
      socket.textMessageHandler(echoed::tryComplete);
      socket.writeTextMessage("round " + round + " socket " + i);
      echoes.add(echoed.future());
    }
    Future.all(echoes).await(20, TimeUnit.SECONDS);
    for (int i = 0; i < PER_ROUND; i++) {
      assertEquals("round " + round + " socket " + i, echoes.get(i).result());
    }
    assertEquals(200, router.get("/user/alice/api/status", "Cookie", cookie).status(), "plain HTTP answers in round " + round);
    List<Future<Void>> closing = new ArrayList<>();
    for (Future<WebSocket> socket : opening) {
      closing.add(socket.result().close());
    }
    Future.all(closing).await(20, TimeUnit.SECONDS);
    // The fake container keeps every request it saw, for other tests to inspect: not the router's memory.
    router.notebook().clear();
  }

  /** Waits until the router holds no tunnel (each close reaches it a moment after the client's). */
  private static void settle() throws InterruptedException {
    long deadline = System.currentTimeMillis() + 5_000;
    while (router.openWebSockets() > 0 && System.currentTimeMillis() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(0, router.openWebSockets(), "every tunnel closed with its client");
    Thread.sleep(200);
  }

  private static long openFiles() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }

  private static long heapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
