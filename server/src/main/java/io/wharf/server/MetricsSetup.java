package io.wharf.server;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.wharf.server.MetricsOptions.VertxHttp;
import io.wharf.session.Scopes;
import io.wharf.session.SessionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.EnumSet;

/**
 * The instance's metrics, from the {@code metrics} options: one Prometheus
 * registry for Wharf's meters and Vert.x's, and where it is served. With {@code port} 0 the
 * router serves {@code /hub/metrics} on its HTTPS port to callers holding {@code read:metrics};
 * with a port, a plain-HTTP listener on 127.0.0.1 serves {@code /metrics} (and
 * {@code /hub/metrics}) without authentication, for a scraper on the same host, and the HTTPS
 * port does not serve them at all.
 */
final class MetricsSetup {

  private static final Logger log = LoggerFactory.getLogger(MetricsSetup.class);
  /** The router's timer (io.wharf.router.impl.ProxyTimer); buckets only when configured. */
  static final String PROXY_TIMER = "wharf.proxy.request.duration";
  private static final Duration[] PROXY_BUCKETS = {
    Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
    Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
    Duration.ofSeconds(5), Duration.ofSeconds(10)};

  private MetricsSetup() {
  }

  static PrometheusMeterRegistry registry(MetricsOptions options) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    if (options.proxyHistogram()) {
      // Filters apply to meters registered after them: this runs before any role starts.
      registry.config().meterFilter(new MeterFilter() {
        @Override
        public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig statistics) {
          return id.getName().equals(PROXY_TIMER)
            ? DistributionStatisticConfig.builder().serviceLevelObjectives(bucketNanos()).build().merge(statistics)
            : statistics;
        }
      });
    }
    return registry;
  }

  private static double[] bucketNanos() {
    double[] nanos = new double[PROXY_BUCKETS.length];
    for (int i = 0; i < nanos.length; i++) {
      nanos[i] = PROXY_BUCKETS[i].toNanos();
    }
    return nanos;
  }

  /**
   * Vert.x's own metrics. Labels stay bounded: no path, no local or remote address, no event-bus
   * address (progress addresses are per user). TCP metrics (the clustered event bus's
   * connections) and worker-pool metrics are left out; so are the HTTP server and client metrics
   * when {@code vertx-http} is off.
   */
  static MicrometerMetricsOptions vertxOptions(MetricsOptions options) {
    MicrometerMetricsOptions vertxOptions = new MicrometerMetricsOptions().setEnabled(true)
      .setLabels(EnumSet.of(Label.HTTP_CODE, Label.EB_SIDE, Label.EB_FAILURE))
      .addDisabledMetricsCategory(MetricsDomain.NET_SERVER).addDisabledMetricsCategory(MetricsDomain.NET_CLIENT)
      .addDisabledMetricsCategory(MetricsDomain.NAMED_POOLS);
    if (options.vertxHttp() == VertxHttp.OFF) {
      vertxOptions.addDisabledMetricsCategory(MetricsDomain.HTTP_SERVER).addDisabledMetricsCategory(MetricsDomain.HTTP_CLIENT);
    }
    return vertxOptions;
  }

  /** The metrics factory for Vert.x: Micrometer's, without the proxy path unless {@code vertx-http} is all. */
  static VertxMetricsFactory factory(PrometheusMeterRegistry registry, MetricsOptions options) {
    MicrometerMetricsFactory micrometer = new MicrometerMetricsFactory(registry);
    return options.vertxHttp() == VertxHttp.EXCEPT_PROXY ? new ProxyExcludingMetricsFactory(micrometer) : micrometer;
  }

  /** Starts the local listener when {@code port} is set; otherwise does nothing. */
  static Future<?> listen(Vertx vertx, PrometheusMeterRegistry registry, MetricsOptions options) {
    int port = options.port();
    if (!options.ownPort()) {
      return Future.succeededFuture();
    }
    Handler<RoutingContext> scrape = PrometheusScrapingHandler.create(registry);
    Router router = Router.router(vertx);
    router.get("/metrics").handler(scrape);
    router.get("/hub/metrics").handler(scrape);
    return vertx.createHttpServer().requestHandler(router).listen(port, "127.0.0.1")
      .onSuccess(server -> log.info("Metrics served on http://127.0.0.1:{}/metrics", server.actualPort()))
      .recover(err -> Future.failedFuture(new IllegalStateException("cannot serve metrics on 127.0.0.1:" + port + ": " + err.getMessage(), err)));
  }

  /**
   * The handler for {@code /hub/metrics} on the router's HTTPS port: the scrape, behind
   * {@code read:metrics}. Null when the metrics have their own port, or when this instance has no
   * session manager to check tokens with.
   */
  static Handler<RoutingContext> httpsHandler(PrometheusMeterRegistry registry, MetricsOptions options, SessionManager sessions) {
    if (options.ownPort()) {
      return null;
    }
    if (sessions == null) {
      log.warn("This instance runs the router without the session manager, so it cannot check tokens for /hub/metrics;"
        + " set metrics.port to serve the metrics locally");
      return null;
    }
    return sessions.requireScope(Scopes.READ_METRICS, PrometheusScrapingHandler.create(registry));
  }
}
