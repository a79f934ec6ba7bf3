package io.wharf.router;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.wharf.router.impl.ActivityRecorder;
import io.wharf.router.impl.HttpsListener;
import io.wharf.router.impl.ProxyTimer;
import io.wharf.router.impl.RedirectToHttps;
import io.wharf.router.impl.RouterVerticle;
import io.wharf.router.impl.TlsOptions;
import io.wharf.router.impl.WebSocketGauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.wharf.session.Pages;

/** Boots the router role: the HTTPS listener on every event loop, and the HTTP redirect. */
public final class RouterRole {

  /** Metrics name of the router's HTTP client towards notebook containers (its proxy; WebSocket tunnels have connections of their own). */
  public static final String PROXY_CLIENT_METRICS_NAME = "wharf-proxy";

  private RouterRole() {
  }

  /**
   * @param options      as {@link RouterOptions#fromJson} read them at boot
   * @param dependencies what the router needs from the other roles
   * @param registry     where the router's meters go
   * @return completes once the listeners are bound
   */
  public static Future<Void> deploy(Vertx vertx, RouterOptions options, RouterDependencies dependencies, MeterRegistry registry) {
    return vertx.executeBlocking(() -> {
      if (options.staticDir() == null) {
        // Copies the pages out of the jar into Vert.x's file cache now, not on an event loop at the first request.
        vertx.fileSystem().readDirBlocking(Pages.CLASSPATH_ROOT);
      }
      return TlsOptions.server(options);
    }, false).compose(tls -> {
      HttpServerOptions server = tls.setHost(options.host()).setPort(options.httpsPort());
      HttpsListener listener = HttpsListener.create(server, options);
      WebSocketGauge gauge = WebSocketGauge.register(registry);
      ProxyTimer proxyTimer = ProxyTimer.register(registry);
      ActivityRecorder activity = ActivityRecorder.start(vertx, dependencies.activity(), options.activityFlushMillis());
      Future<String> https = vertx.deployVerticle(() -> new RouterVerticle(options, dependencies, listener, gauge, activity, proxyTimer),
        new DeploymentOptions().setInstances(options.instances()));
      Future<?> http = options.httpPort() > 0
        ? vertx.createHttpServer().requestHandler(new RedirectToHttps(options.publicOrigin(), options.httpsPort()))
            .listen(options.httpPort(), options.host())
        : Future.succeededFuture();
      return Future.all(https, http).mapEmpty();
    });
  }
}
