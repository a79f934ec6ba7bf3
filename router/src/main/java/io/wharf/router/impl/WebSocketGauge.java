package io.wharf.router.impl;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * WebSockets open or opening, per server (to enforce the cap across event loops) and in all,
 * exported as {@code wharf_websocket_connections}.
 */
public final class WebSocketGauge implements WebSocketTunnel.WebSocketCounter {

  private final AtomicInteger open = new AtomicInteger();
  private final ConcurrentHashMap<String, Integer> perServer = new ConcurrentHashMap<>();

  private WebSocketGauge() {
  }

  public static WebSocketGauge register(MeterRegistry registry) {
    WebSocketGauge gauge = new WebSocketGauge();
    if (registry != null) {
      Gauge.builder("wharf.websocket.connections", gauge.open, AtomicInteger::get)
        .description("WebSocket tunnels to notebook servers, open or opening")
        .register(registry);
    }
    return gauge;
  }

  @Override
  public boolean tryOpen(String server, int max) {
    boolean[] taken = {false};
    // compute runs atomically per key, so two event loops cannot both take the last slot.
    perServer.compute(server, (key, count) -> {
      int now = count == null ? 0 : count;
      if (now >= max) {
        return count;
      }
      taken[0] = true;
      return now + 1;
    });
    if (taken[0]) {
      open.incrementAndGet();
    }
    return taken[0];
  }

  @Override
  public void closed(String server) {
    perServer.computeIfPresent(server, (key, count) -> count <= 1 ? null : count - 1);
    open.decrementAndGet();
  }

  public int open() {
    return open.get();
  }

  /** WebSockets of {@code server} open or opening now. */
  int open(String server) {
    return perServer.getOrDefault(server, 0);
  }
}
