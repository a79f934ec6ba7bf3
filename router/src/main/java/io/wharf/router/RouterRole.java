package io.wharf.router;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.wharf.router.impl.ActivityRecorder;
import io.wharf.router.impl.ProxyTimer;
import io.wharf.router.impl.RedirectToHttps;
import io.wharf.router.impl.RouterVerticle;
import io.wharf.router.impl.TlsOptions;
import io.wharf.router.impl.WebSocketGauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.nio.file.Path;

/** Boots the router role: the HTTPS listener on every event loop, and the HTTP redirect. */
public final class RouterRole {

  /** Metrics name of the router's HTTP client towards notebook containers (its proxy and WebSocket tunnel). */
  public static final String PROXY_CLIENT_METRICS_NAME = "wharf-proxy";

  private RouterRole() {
  }

  /**
   * @param config the {@code router} configuration section
   * @return completes once the listeners are bound
   */
  public static Future<Void> deploy(Vertx vertx, JsonObject config, RouterSettings settings, Path dataDir, MeterRegistry registry) {
    int instances = config.getInteger("event-loops", 0) > 0 ? config.getInteger("event-loops") : 2 * Runtime.getRuntime().availableProcessors();
    String host = config.getString("host", "0.0.0.0");
    int httpsPort = config.getInteger("https-port", 8443);
    int httpPort = config.getInteger("http-port", 8080);
    return vertx.executeBlocking(() -> TlsOptions.server(config, dataDir), false).compose(tls -> {
      HttpServerOptions options = tls.setHost(host).setPort(httpsPort);
      WebSocketGauge gauge = WebSocketGauge.register(registry);
      ProxyTimer proxyTimer = ProxyTimer.register(registry);
      long flushMillis = Math.max(1, config.getInteger("activity-flush-seconds", 5)) * 1000L;
      ActivityRecorder activity = ActivityRecorder.start(vertx, settings.activity(), flushMillis);
      Future<String> https = vertx.deployVerticle(() -> new RouterVerticle(settings, options, gauge, activity, flushMillis, proxyTimer),
        new DeploymentOptions().setInstances(instances));
      Future<?> http = httpPort > 0
        ? vertx.createHttpServer().requestHandler(new RedirectToHttps(settings.publicOrigin(), httpsPort)).listen(httpPort, host)
        : Future.succeededFuture();
      return Future.all(https, http).mapEmpty();
    });
  }
}
