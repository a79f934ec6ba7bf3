package io.wharf.router.impl;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.WebSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * WebSockets do not take the HTTP pool's connections towards a container: the router under test
 * has 4 pooled connections per container, and a notebook with far more WebSockets open keeps
 * answering plain requests. Before, each tunnel kept a pool slot, so the fifth upgrade waited
 * and so did every request to that notebook.
 */
class WebSocketCapacityTest {

  @RegisterExtension
  static final RouterExtension router = new RouterExtension();

  private static final int SOCKETS = 200;

  @Test
  void twoHundredWebSocketsToOneNotebookLeaveItsHttpAnswering() throws Exception {
    router.put(router.notebook().running("alice", ""));
    String cookie = router.cookie("alice");
    List<Future<WebSocket>> opening = new ArrayList<>();
    // In batches, so that the TLS handshakes of the test's own client stay within their timeout on a busy machine.
    for (int batch = 0; batch < SOCKETS; batch += 50) {
      for (int i = batch; i < batch + 50; i++) {
        opening.add(router.connect("/user/alice/api/kernels/k" + i + "/channels", "Origin", router.origin(), "Cookie", cookie));
      }
      Future.all(opening).await(60, TimeUnit.SECONDS);
    }
    assertEquals(SOCKETS, router.openWebSockets());

    for (int i = 0; i < 10; i++) {
      RouterExtension.Reply reply = router.get("/user/alice/api/status", "Cookie", cookie);
      assertEquals(200, reply.status(), "a plain request answers with " + SOCKETS + " WebSockets open");
      assertEquals("notebook default", reply.body().toString());
    }

    List<Future<String>> echoes = new ArrayList<>();
    for (int i = 0; i < SOCKETS; i++) {
      WebSocket socket = opening.get(i).result();
      Promise<String> echoed = Promise.promise();
      socket.textMessageHandler(echoed::tryComplete);
      socket.writeTextMessage("ping " + i);
      echoes.add(echoed.future());
    }
    Future.all(echoes).await(30, TimeUnit.SECONDS);
    for (int i = 0; i < SOCKETS; i++) {
      assertEquals("ping " + i, echoes.get(i).result(), "every tunnel carries its own messages");
    }

    List<Future<Void>> closing = new ArrayList<>();
    for (Future<WebSocket> socket : opening) {
      closing.add(socket.result().close());
    }
    Future.all(closing).await(30, TimeUnit.SECONDS);
    long deadline = System.currentTimeMillis() + 5_000;
    while (router.openWebSockets() > 0 && System.currentTimeMillis() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(0, router.openWebSockets(), "every tunnel closed with its client");
    assertTrue(router.get("/user/alice/api/status", "Cookie", cookie).status() == 200);
  }
}
