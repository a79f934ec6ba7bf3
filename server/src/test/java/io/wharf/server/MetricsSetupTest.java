package io.wharf.server;

import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.json.JsonObject;
import io.wharf.config.WharfConfig;
import io.wharf.server.MetricsOptions.VertxHttp;
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

  /** The shipped defaults with some {@code metrics} keys replaced. */
  private static MetricsOptions metrics(JsonObject changes) {
    JsonObject config = WharfConfig.defaults();
    config.getJsonObject("metrics").mergeIn(changes);
    return MetricsOptions.fromJson(config);
  }

  private static MetricsOptions vertxHttp(Object value) {
    return metrics(new JsonObject().put("vertx-http", value));
  }

  @Test
  void vertxHttpTakesItsThreeValuesAndTheOldBooleans() {
    assertEquals(VertxHttp.EXCEPT_PROXY, vertxHttp("except-proxy").vertxHttp());
    assertEquals(VertxHttp.ALL, vertxHttp("ALL").vertxHttp());
    assertEquals(VertxHttp.ALL, vertxHttp(true).vertxHttp());
    assertEquals(VertxHttp.OFF, vertxHttp("off").vertxHttp());
    assertEquals(VertxHttp.OFF, vertxHttp(false).vertxHttp());
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> vertxHttp("some"));
    assertEquals("metrics.vertx-http must be all, except-proxy or off, not 'some'", bad.getMessage());
  }

  @Test
  void offDisablesVertxHttpMetricsAndTheOthersKeepThem() {
    assertTrue(MetricsSetup.vertxOptions(vertxHttp("off")).isMetricsCategoryDisabled(MetricsDomain.HTTP_SERVER));
    assertTrue(MetricsSetup.vertxOptions(vertxHttp("off")).isMetricsCategoryDisabled(MetricsDomain.HTTP_CLIENT));
    for (String value : new String[]{"all", "except-proxy"}) {
      assertFalse(MetricsSetup.vertxOptions(vertxHttp(value)).isMetricsCategoryDisabled(MetricsDomain.HTTP_SERVER), value);
      assertFalse(MetricsSetup.vertxOptions(vertxHttp(value)).isMetricsCategoryDisabled(MetricsDomain.HTTP_CLIENT), value);
    }
    PrometheusMeterRegistry registry = MetricsSetup.registry(metrics(new JsonObject()));
    assertInstanceOf(ProxyExcludingMetricsFactory.class, MetricsSetup.factory(registry, vertxHttp("except-proxy")));
    assertInstanceOf(MicrometerMetricsFactory.class, MetricsSetup.factory(registry, vertxHttp("all")));
  }

  @Test
  void theProxyTimerGetsBucketsOnlyWhenAskedTo() {
    PrometheusMeterRegistry plain = MetricsSetup.registry(metrics(new JsonObject().put("proxy-histogram", false)));
    PrometheusMeterRegistry buckets = MetricsSetup.registry(metrics(new JsonObject().put("proxy-histogram", true)));
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
