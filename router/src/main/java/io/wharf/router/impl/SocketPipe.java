package io.wharf.router.impl;

import io.vertx.core.net.NetSocket;

/**
 * Copies bytes between the two raw sockets of a WebSocket tunnel, both ways, with flow control:
 * vertx-http-proxy joins them with plain write handlers, so a slow reader on either side made
 * the router buffer without bound. Here the sender is paused while the receiver's write queue
 * is full and resumed once it drains.
 */
final class SocketPipe {

  private SocketPipe() {
  }

  /** Joins {@code a} and {@code b} both ways and resumes both; {@code onTraffic} runs per chunk. */
  static void join(NetSocket a, NetSocket b, Runnable onTraffic) {
    forward(a, b, onTraffic);
    forward(b, a, onTraffic);
    a.resume();
    b.resume();
  }

  /**
   * Copies {@code from} to {@code to}, pausing {@code from} while {@code to}'s write queue is full
   * and resuming it once drained. Each chunk counts as activity of the server. The end of either
   * side ends the other; closes are handled by the tunnel.
   */
  static void forward(NetSocket from, NetSocket to, Runnable onTraffic) {
    to.drainHandler(v -> from.resume());
    from.handler(chunk -> {
      onTraffic.run();
      to.write(chunk);
      if (to.writeQueueFull()) {
        from.pause();
      }
    });
    from.endHandler(v -> to.end());
  }
}
