package io.wharf.server;

import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricsSetupTest {

  private static JsonObject vertxHttp(Object value) {
    return new JsonObject().put("vertx-http", value);
  }

  @Test
  void vertxHttpTakesItsThreeValuesAndTheOldBooleans() {
    assertEquals(MetricsSetup.VertxHttp.EXCEPT_PROXY, MetricsSetup.VertxHttp.of(new JsonObject()));
    assertEquals(MetricsSetup.VertxHttp.EXCEPT_PROXY, MetricsSetup.VertxHttp.of(vertxHttp("except-proxy")));
    assertEquals(MetricsSetup.VertxHttp.ALL, MetricsSetup.VertxHttp.of(vertxHttp("ALL")));
    assertEquals(MetricsSetup.VertxHttp.ALL, MetricsSetup.VertxHttp.of(vertxHttp(true)));
    assertEquals(MetricsSetup.VertxHttp.OFF, MetricsSetup.VertxHttp.of(vertxHttp("off")));
    assertEquals(MetricsSetup.VertxHttp.OFF, MetricsSetup.VertxHttp.of(vertxHttp(false)));
    assertThrows(IllegalArgumentException.class, () -> MetricsSetup.VertxHttp.of(vertxHttp("some")));
  }

  @Test
  void offDisablesVertxHttpMetricsAndTheOthersKeepThem() {
    assertTrue(MetricsSetup.vertxOptions(vertxHttp("off")).isMetricsCategoryDisabled(MetricsDomain.HTTP_SERVER));
    assertTrue(MetricsSetup.vertxOptions(vertxHttp("off")).isMetricsCategoryDisabled(MetricsDomain.HTTP_CLIENT));
    for (String value : new String[]{"all", "except-proxy"}) {
      assertFalse(MetricsSetup.vertxOptions(vertxHttp(value)).isMetricsCategoryDisabled(MetricsDomain.HTTP_SERVER), value);
      assertFalse(MetricsSetup.vertxOptions(vertxHttp(value)).isMetricsCategoryDisabled(MetricsDomain.HTTP_CLIENT), value);
    }
    PrometheusMeterRegistry registry = MetricsSetup.registry(new JsonObject());
    assertInstanceOf(ProxyExcludingMetricsFactory.class, MetricsSetup.factory(registry, vertxHttp("except-proxy")));
    assertInstanceOf(MicrometerMetricsFactory.class, MetricsSetup.factory(registry, vertxHttp("all")));
  }

  @Test
  void theProxyTimerGetsBucketsOnlyWhenAskedTo() {
    PrometheusMeterRegistry plain = MetricsSetup.registry(new JsonObject());
    PrometheusMeterRegistry buckets = MetricsSetup.registry(new JsonObject().put("proxy-histogram", true));
    for (PrometheusMeterRegistry registry : new PrometheusMeterRegistry[]{plain, buckets}) {
      Timer.builder(MetricsSetup.PROXY_TIMER).tag("status", "2xx").register(registry).record(Duration.ofMillis(3));
      Timer.builder("wharf.other").register(registry).record(Duration.ofMillis(3));
    }
    assertFalse(plain.scrape().contains("_bucket"));
    String scrape = buckets.scrape();
    assertTrue(scrape.contains("wharf_proxy_request_duration_seconds_bucket{status=\"2xx\",le=\"0.005\"} 1"), scrape);
    assertFalse(scrape.contains("wharf_other_seconds_bucket"), "only the proxy timer has buckets");
  }
}
