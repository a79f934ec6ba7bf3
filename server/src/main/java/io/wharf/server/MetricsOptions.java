package io.wharf.server;

import io.vertx.core.json.JsonObject;

import java.util.Locale;

import static io.wharf.config.ConfigValues.required;
import static io.wharf.config.ConfigValues.requiredBoolean;
import static io.wharf.config.ConfigValues.requiredInt;

/**
 * Where and what the instance's metrics are, from the {@code metrics} section.
 *
 * @param port           0 to serve them at {@code /hub/metrics} on the HTTPS port (to {@code read:metrics}); else a
 *                       plain-HTTP port on 127.0.0.1
 * @param proxyHistogram whether {@code wharf_proxy_request_duration_seconds} has histogram buckets
 */
record MetricsOptions(int port, VertxHttp vertxHttp, boolean proxyHistogram) {

  /** Which HTTP requests Vert.x's own HTTP server and client metrics measure ({@code metrics.vertx-http}). */
  enum VertxHttp {
    /** Every request, the proxy path's too: meters looked up on every proxied request. */
    ALL,
    /** Every request but the proxy path's, which {@code wharf_proxy_request_duration_seconds} measures. */
    EXCEPT_PROXY,
    /** None. */
    OFF;

    /** From its name, or from the booleans it once was. */
    static VertxHttp of(Object value) {
      String name = String.valueOf(value).trim().toLowerCase(Locale.ROOT);
      return switch (name) {
        case "all", "true" -> ALL;
        case "except-proxy" -> EXCEPT_PROXY;
        case "off", "false" -> OFF;
        default -> throw new IllegalArgumentException("metrics.vertx-http must be all, except-proxy or off, not '" + name + "'");
      };
    }
  }

  static MetricsOptions fromJson(JsonObject config) {
    return new MetricsOptions(
      requiredInt(config, "metrics.port", 0, 65535),
      VertxHttp.of(required(config, "metrics.vertx-http")),
      requiredBoolean(config, "metrics.proxy-histogram"));
  }

  /** Whether the metrics have a port of their own, and so are not served on the HTTPS port. */
  boolean ownPort() {
    return port > 0;
  }
}
