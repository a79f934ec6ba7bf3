package io.wharf.router.impl;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.vertx.core.Future;
import io.vertx.core.internal.ContextInternal;
import io.wharf.session.RouteTable;
import io.wharf.session.ServerRecord;

import java.util.HashMap;
import java.util.Map;

/**
 * The notebook proxy's common case on Netty's pipeline, without Vert.x's request, response and
 * client objects: an HTTP/1.1 request under {@code /user/{name}/} with a valid session cookie of
 * that user, whose running server is known on this event loop. {@link FastPathHandler} sits in
 * each HTTP/1.x connection's pipeline in front of Vert.x's handler, and passes everything else
 * on to it unchanged: API tokens, WebSocket upgrades, {@code Expect}, {@code Connection} headers,
 * HEAD, HTTP/1.0, a route not yet in the near cache, every refusal, redirect and error page,
 * and any request while Vert.x still answers an earlier one on the connection. So
 * {@link UserRequestHandler} and {@link NotebookProxy} keep deciding everything but the common
 * case, and the common case gets the same answer from either path.
 *
 * <p>It exists for cost: Vert.x's per-request objects, header copies and futures were most of
 * the router's own CPU per proxied request (see bench/README.md). One instance per event loop,
 * used only on it.
 */
final class FastPath {

  private static final int MAX_CACHED = 10_000;

  final CookieAuthenticator authenticator;
  final RouteTable routes;
  final String cookieName;
  final ActivityRecorder.Local activity;
  final ProxyTimer timer;
  final RequestIds requestIds;
  final CharSequence instanceHeader;
  final CharSequence instanceId;
  final boolean passCors;
  final long responseTimeoutMillis;
  private final int maxPerServer;
  private final int connectTimeoutMillis;
  private final int idleSeconds;
  private BackendPool pool;
  private AnswerDeadlines deadlines;
  /**
   * Running servers' records this event loop read, while the route table's generation stays
   * {@link #cachedGeneration}: a lookup of the near-cache costs more than the rest of the route's
   * checks (bench/README.md). Emptied when the generation moves, or when it reaches its bound.
   */
  private final Map<String, ServerRecord> running = new HashMap<>();
  private long cachedGeneration = RouteTable.UNTRACKED;

  FastPath(CookieAuthenticator authenticator, RouteTable routes, String cookieName, ActivityRecorder.Local activity,
           ProxyTimer timer, RequestIds requestIds, CharSequence instanceHeader, CharSequence instanceId,
           boolean passCors, long responseTimeoutMillis, int maxPerServer, int connectTimeoutMillis, int idleSeconds) {
    this.authenticator = authenticator;
    this.routes = routes;
    this.cookieName = cookieName;
    this.activity = activity;
    this.timer = timer;
    this.requestIds = requestIds;
    this.instanceHeader = instanceHeader;
    this.instanceId = instanceId;
    this.passCors = passCors;
    this.responseTimeoutMillis = responseTimeoutMillis;
    this.maxPerServer = maxPerServer;
    this.connectTimeoutMillis = connectTimeoutMillis;
    this.idleSeconds = idleSeconds;
  }

  /** The handler for one client connection on this event loop, whose Vert.x context is {@code context}. */
  ChannelHandler handler(ContextInternal context) {
    return new FastPathHandler(this, context);
  }

  /** This event loop's exchanges waiting for their container's answer. */
  AnswerDeadlines deadlines(Channel client) {
    if (deadlines == null) {
      deadlines = new AnswerDeadlines(client.eventLoop(), responseTimeoutMillis);
    }
    return deadlines;
  }

  /** This event loop's connections to containers, of the client connection's channel type. */
  BackendPool pool(Channel client) {
    if (pool == null) {
      pool = new BackendPool(client.eventLoop(), client.getClass(), maxPerServer, connectTimeoutMillis, idleSeconds);
    }
    return pool;
  }

  /**
   * The running server HTTP/1.1 {@code request} goes to when the fast path may serve it, or null
   * when Vert.x's path must: for anything but the common case described above.
   */
  ServerRecord route(HttpRequest request, ContextInternal context, CookieAuthenticator.Memo cookies) {
    if (!request.decoderResult().isSuccess() || request.protocolVersion() != HttpVersion.HTTP_1_1
      || !plainMethod(request.method())) {
      return null;
    }
    HttpHeaders headers = request.headers();
    if (headers.contains(HttpHeaderNames.CONNECTION) || headers.contains(HttpHeaderNames.UPGRADE)
      || headers.contains(HttpHeaderNames.EXPECT) || headers.contains(HttpHeaderNames.AUTHORIZATION)) {
      return null;
    }
    return route(request.uri(), headers.get(HttpHeaderNames.COOKIE), context, cookies);
  }

  /**
   * The running server a request for {@code uri} with the {@code Cookie} header {@code cookies}
   * goes to when the fast path may serve it, or null: the caller has checked the rest of the
   * request (no {@code Authorization}, {@code Expect} or {@code Upgrade}); {@code memo}: the
   * connection's last cookie.
   */
  ServerRecord route(String uri, String cookies, ContextInternal context, CookieAuthenticator.Memo memo) {
    // As in Vert.x's handlers: a lookup the near cache misses completes on this context.
    ContextInternal previous = context.beginDispatch();
    try {
      return route(uri, cookies, memo);
    } finally {
      context.endDispatch(previous);
    }
  }

  private ServerRecord route(String uri, String cookies, CookieAuthenticator.Memo memo) {
    if (!uri.startsWith(UserPath.PREFIX) || TokenCredentials.fromUri(uri) != null) {
      return null;
    }
    int end = uri.indexOf('?');
    String path = end < 0 ? uri : uri.substring(0, end);
    if (path.indexOf('#') >= 0) {
      return null;
    }
    String user = UserPath.user(path);
    if (user == null || !user.equals(authenticator.user(cookies, cookieName, memo))) {
      return null;
    }
    String server = UserPath.server(path, user, routes::hasNamedServer);
    if (UserPath.missingSlash(path, user, server)) {
      return null;
    }
    String key = ServerRecord.key(user, server);
    long generation = routes.generation();
    if (generation != cachedGeneration) {
      running.clear();
      cachedGeneration = generation;
    }
    ServerRecord cached = generation == RouteTable.UNTRACKED ? null : running.get(key);
    if (cached != null) {
      return cached;
    }
    Future<ServerRecord> lookup = routes.get(key);
    if (!lookup.isComplete() || lookup.failed()) {
      return null;
    }
    ServerRecord route = lookup.result();
    if (route == null || !route.running()) {
      return null;
    }
    if (generation != RouteTable.UNTRACKED) {
      if (running.size() >= MAX_CACHED) {
        running.clear();
      }
      running.put(key, route);
    }
    return route;
  }

  private static boolean plainMethod(HttpMethod method) {
    return method == HttpMethod.GET || method == HttpMethod.POST || method == HttpMethod.PUT
      || method == HttpMethod.PATCH || method == HttpMethod.DELETE || method == HttpMethod.OPTIONS;
  }
}
