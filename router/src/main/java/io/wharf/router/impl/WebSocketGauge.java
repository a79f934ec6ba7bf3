package io.wharf.router.impl;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.concurrent.atomic.AtomicInteger;

/** Open WebSocket tunnels across all event loops, exported as {@code wharf_websocket_connections}. */
public final class WebSocketGauge implements WebSocketTunnel.WebSocketCounter {

  private final AtomicInteger open = new AtomicInteger();

  private WebSocketGauge() {
  }

  public static WebSocketGauge register(MeterRegistry registry) {
    WebSocketGauge gauge = new WebSocketGauge();
    if (registry != null) {
      Gauge.builder("wharf.websocket.connections", gauge.open, AtomicInteger::get)
        .description("Open WebSocket tunnels to notebook servers")
        .register(registry);
    }
    return gauge;
  }

  @Override
  public void opened() {
    open.incrementAndGet();
  }

  @Override
  public void closed() {
    open.decrementAndGet();
  }

  public int open() {
    return open.get();
  }
}
