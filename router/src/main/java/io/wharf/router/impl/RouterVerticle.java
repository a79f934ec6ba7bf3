package io.wharf.router.impl;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.FileSystemAccess;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.ProxyOptions;
import io.wharf.router.RouterRole;
import io.wharf.router.RouterSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One event loop's share of the router: its own HTTPS listener (Vert.x spreads connections over
 * the instances), its own client pool towards containers, and its own verified-cookie cache, so
 * nothing on the request path is shared between threads.
 *
 * <p>{@code /user/{name}/...} goes to {@link UserRequestHandler} (cookie → route → tunnel or
 * proxy); everything else to the web router with the hub's pages and API.
 */
public final class RouterVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(RouterVerticle.class);

  private final RouterSettings settings;
  private final HttpServerOptions serverOptions;
  private final WebSocketTunnel.WebSocketCounter counter;
  private final ProxyTimer proxyTimer;
  private final ActivityRecorder activity;
  private final long activityFlushMillis;

  public RouterVerticle(RouterSettings settings, HttpServerOptions serverOptions, WebSocketTunnel.WebSocketCounter counter,
                        ActivityRecorder activity, long activityFlushMillis,
                        ProxyTimer proxyTimer) {
    this.proxyTimer = proxyTimer;
    this.activity = activity;
    this.activityFlushMillis = activityFlushMillis;
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
        .setDecompressionSupported(false)
        .setMetricsName(RouterRole.PROXY_CLIENT_METRICS_NAME),
      new PoolOptions().setHttp1MaxSize(settings.maxConnectionsPerServer()));
    BackendOrigin origin = new BackendOrigin(settings.cookieName(), settings.routes());
    HttpProxy proxy = HttpProxy.reverseProxy(new ProxyOptions().setSupportWebSocket(false), client)
      .origin(origin)
      .addInterceptor(new ResponseHeadersInterceptor());
    CookieAuthenticator authenticator = new CookieAuthenticator(settings.cookies(), settings.cookieCacheSize());
    AccessLog accessLog = settings.accessLog() ? new AccessLog(settings.instanceId(), authenticator, settings.cookieName()) : null;
    UserRequestHandler user = new UserRequestHandler(authenticator, settings.cookieName(), settings.routes(),
      new WebSocketTunnel(client, settings.cookieName(), settings.publicOrigin(), counter, accessLog), origin, proxy,
      activity.local(vertx, activityFlushMillis));

    Router hub = Router.router(vertx);
    if (accessLog != null) {
      hub.route().handler(accessLog);
    }
    hub.errorHandler(500, RouterVerticle::logFailure);
    hub.route("/hub/*").handler(SecurityHeadersHandler.hub());
    hub.get("/hub/health").handler(settings.health());
    hub.get("/hub/health/:probe").handler(settings.health());
    if (settings.metrics() != null) {
      hub.get("/hub/metrics").handler(settings.metrics());
    }
    hub.route("/hub/static/*").handler(StaticHandler.create(FileSystemAccess.ROOT, settings.staticDir().toString())
      .setDefaultContentEncoding("UTF-8"));
    settings.hubRoutes().accept(hub);

    Handler<HttpServerRequest> timedUser = proxyTimer.around(user, accessLog);
    // Notebook traffic skips the web router: it needs none of its features, and it is most of the load.
    CharSequence instanceHeader = HttpHeaders.createOptimized("X-Wharf-Instance");
    CharSequence instanceId = HttpHeaders.createOptimized(settings.instanceId());
    RequestIds requestIds = RequestIds.create(settings.trustRequestId());
    Handler<HttpServerRequest> dispatch = request -> {
      requestIds.assign(request);
      // Operators and load-balancer tests can tell which instance answered.
      request.response().headers().set(instanceHeader, instanceId);
      if (request.path().startsWith(UserPath.PREFIX)) {
        timedUser.handle(request);
      } else {
        hub.handle(request);
      }
    };
    return vertx.createHttpServer(serverOptions).requestHandler(dispatch).listen();
  }

  /** In place of the web router's own log line for an unhandled failure, one that names the request. */
  private static void logFailure(RoutingContext ctx) {
    log.atError().addKeyValue(RequestIds.LOG_KEY, ctx.request().getHeader(RequestIds.HEADER)).setCause(ctx.failure())
      .log("{} {} failed", ctx.request().method(), ctx.request().path());
  }
}
