package io.wharf.router.impl;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.FileSystemAccess;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.proxy.handler.ProxyHandler;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.ProxyOptions;
import io.wharf.router.RouterSettings;

/**
 * One event loop's share of the router: its own HTTPS listener (Vert.x spreads connections over
 * the instances), its own client pool towards containers, and its own verified-cookie cache, so
 * nothing on the request path is shared between threads.
 *
 * <p>Handler chain for {@code /user/{name}/...}: security headers → cookie authentication →
 * route lookup → WebSocket tunnel (upgrades only) → HTTP proxy.
 */
public final class RouterVerticle extends VerticleBase {

  private final RouterSettings settings;
  private final HttpServerOptions serverOptions;
  private final WebSocketTunnelHandler.WebSocketCounter counter;

  public RouterVerticle(RouterSettings settings, HttpServerOptions serverOptions, WebSocketTunnelHandler.WebSocketCounter counter) {
    this.settings = settings;
    this.serverOptions = serverOptions;
    this.counter = counter;
  }

  @Override
  public Future<?> start() {
    HttpClient client = vertx.createHttpClient(new HttpClientOptions()
        .setConnectTimeout(settings.connectTimeoutMillis())
        .setIdleTimeout(settings.idleTimeoutSeconds())
        .setKeepAlive(true)
        .setTcpNoDelay(true)
        .setDecompressionSupported(false),
      new PoolOptions().setHttp1MaxSize(settings.maxConnectionsPerServer()));
    HttpProxy proxy = HttpProxy.reverseProxy(new ProxyOptions().setSupportWebSocket(false), client)
      .origin(new BackendOrigin(settings.cookieName()))
      .addInterceptor(new ResponseHeadersInterceptor());

    Router router = Router.router(vertx);
    router.route("/user/*")
      .handler(SecurityHeadersHandler.proxied())
      .handler(new CookieAuthHandler(settings.cookies(), settings.cookieName(), settings.cookieCacheSize()))
      .handler(new RouteLookupHandler(settings.store()))
      .handler(new WebSocketTunnelHandler(client, settings.cookieName(), settings.publicOrigin(), counter))
      .handler(ProxyHandler.create(proxy));
    router.route("/hub/*").handler(SecurityHeadersHandler.hub());
    router.get("/hub/health").handler(settings.health());
    router.route("/hub/static/*").handler(StaticHandler.create(FileSystemAccess.ROOT, settings.staticDir().toString())
      .setDefaultContentEncoding("UTF-8"));
    settings.hubRoutes().accept(router);

    return vertx.createHttpServer(serverOptions).requestHandler(router).listen();
  }
}
