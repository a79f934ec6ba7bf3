package io.wharf.router.impl;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.FileSystemAccess;
import io.vertx.ext.web.handler.StaticHandler;
import io.wharf.router.RouterDependencies;
import io.wharf.router.RouterOptions;
import io.wharf.router.RouterRole;
import io.wharf.session.Pages;
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
  // Bound of each event loop's verified-cookie cache; fixed, not a setting.
  private static final int COOKIE_CACHE_SIZE = 10_000;
  // Each event loop trusts a token lookup this long: a revoked token is refused within it.
  private static final int TOKEN_CACHE_SIZE = 10_000;
  private static final long TOKEN_TTL_MILLIS = 1_000;

  private final RouterOptions options;
  private final RouterDependencies dependencies;
  private final HttpsListener listener;
  private final WebSocketTunnel.WebSocketCounter counter;
  private final ProxyTimer proxyTimer;
  private final ActivityRecorder activity;

  public RouterVerticle(RouterOptions options, RouterDependencies dependencies, HttpsListener listener,
                        WebSocketTunnel.WebSocketCounter counter, ActivityRecorder activity, ProxyTimer proxyTimer) {
    this.proxyTimer = proxyTimer;
    this.activity = activity;
    this.options = options;
    this.dependencies = dependencies;
    this.listener = listener;
    this.counter = counter;
  }

  @Override
  public Future<?> start() {
    HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions()
        .setConnectTimeout(options.connectTimeoutMillis())
        .setIdleTimeout(options.idleTimeoutSeconds())
        .setKeepAlive(true)
        .setTcpNoDelay(true)
        .setDecompressionSupported(false)
        .setMetricsName(RouterRole.PROXY_CLIENT_METRICS_NAME),
      new PoolOptions().setHttp1MaxSize(options.maxConnectionsPerServer()));
    NotebookProxy proxy = new NotebookProxy(vertx, client, options.cookieName(),
      options.backend().responseTimeoutSeconds() * 1000L, options.backend().passCors());
    CookieAuthenticator authenticator = new CookieAuthenticator(dependencies.cookies(), dependencies.revocations(), COOKIE_CACHE_SIZE);
    AccessLog accessLog = options.accessLog() ? new AccessLog(options.instanceId(), authenticator, options.cookieName()) : null;
    TokenAuthenticator tokens = new TokenAuthenticator(dependencies.tokens(), TOKEN_CACHE_SIZE, TOKEN_TTL_MILLIS);
    ActivityRecorder.Local activityHere = activity.local(vertx, options.activityFlushMillis());
    UserRequestHandler user = new UserRequestHandler(authenticator, tokens, options.cookieName(), dependencies.routes(),
      new WebSocketTunnel(vertx, options.cookieName(), options.publicOrigin(), counter, accessLog,
        options.backend().maxWebSocketsPerServer(), options.connectTimeoutMillis(), options.idleTimeoutSeconds()), proxy,
      activityHere);

    Router hub = Router.router(vertx);
    if (accessLog != null) {
      hub.route().handler(accessLog);
    }
    hub.errorHandler(500, RouterVerticle::logFailure);
    hub.route("/hub/*").handler(SecurityHeadersHandler.hub());
    hub.get("/hub/health").handler(dependencies.health());
    hub.get("/hub/health/:probe").handler(dependencies.health());
    if (dependencies.metrics() != null) {
      hub.get("/hub/metrics").handler(dependencies.metrics());
    }
    StaticHandler assets = options.staticDir() == null
      ? StaticHandler.create(Pages.CLASSPATH_ROOT)
      : StaticHandler.create(FileSystemAccess.ROOT, options.staticDir().toString());
    hub.route("/hub/static/*").handler(assets.setDefaultContentEncoding("UTF-8"));
    dependencies.hubRoutes().accept(hub);

    Handler<HttpServerRequest> timedUser = proxyTimer.around(user, accessLog);
    // Notebook traffic skips the web router: it needs none of its features, and it is most of the load.
    CharSequence instanceHeader = HttpHeaders.createOptimized("X-Wharf-Instance");
    CharSequence instanceId = HttpHeaders.createOptimized(options.instanceId());
    RequestIds requestIds = RequestIds.create(options.trustRequestId());
    Handler<HttpServerRequest> dispatch = request -> {
      requestIds.assign(request);
      MultiMap headers = request.response().headers();
      // Operators and load-balancer tests can tell which instance answered.
      headers.set(instanceHeader, instanceId);
      // On every answer (pages, redirects, 404s, errors), as browsers heed it on any HTTPS response.
      headers.set(SecurityHeadersHandler.HSTS_HEADER, SecurityHeadersHandler.HSTS);
      if (request.path().startsWith(UserPath.PREFIX)) {
        timedUser.handle(request);
      } else {
        hub.handle(request);
      }
    };
    // The access log hooks Vert.x's responses, so with it on every request takes Vert.x's path.
    FastPath fastPath = accessLog != null ? null : new FastPath(authenticator, dependencies.routes(), options.cookieName(),
      activityHere, proxyTimer, requestIds, instanceHeader, instanceId, options.backend().passCors(),
      options.backend().responseTimeoutSeconds() * 1000L, options.maxConnectionsPerServer(), options.connectTimeoutMillis(),
      options.idleTimeoutSeconds());
    return listener.listen(vertx, dispatch, fastPath);
  }

  /** In place of the web router's own log line for an unhandled failure, one that names the request. */
  private static void logFailure(RoutingContext ctx) {
    log.atError().addKeyValue(RequestIds.LOG_KEY, ctx.request().getHeader(RequestIds.HEADER)).setCause(ctx.failure())
      .log("{} {} failed", ctx.request().method(), ctx.request().path());
  }
}
