package io.wharf.router.impl;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.RequestOptions;
import io.vertx.httpproxy.OriginRequestProvider;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyRequest;
import io.wharf.session.RouteTable;
import io.wharf.session.ServerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Points each proxied request at its user's container, and fixes up what the container sees:
 * its own token instead of Wharf's cookie, the public Host (so Jupyter's same-origin checks
 * pass), and no hop-by-hop headers.
 *
 * <p>The route found by {@link UserRequestHandler} is handed over in a field rather than looked
 * up again: the proxy asks for the origin synchronously inside {@code handle}, and this object
 * belongs to one event loop. Should the proxy ever ask later, the field is empty and the route
 * is looked up from the request's path instead.
 */
final class BackendOrigin implements OriginRequestProvider {

  private static final Logger log = LoggerFactory.getLogger(BackendOrigin.class);

  private final String cookieName;
  private final RouteTable store;
  private ServerRecord handedOff;

  BackendOrigin(String cookieName, RouteTable store) {
    this.cookieName = cookieName;
    this.store = store;
  }

  void handOff(ServerRecord route) {
    handedOff = route;
  }

  @Override
  public Future<HttpClientRequest> create(ProxyContext proxyContext) {
    ServerRecord route = handedOff;
    handedOff = null;
    if (route != null) {
      return send(proxyContext, route);
    }
    String path = proxyContext.request().proxiedRequest().path();
    String user = UserPath.user(path);
    String key = ServerRecord.key(user, UserPath.server(path, user, store::hasNamedServer));
    return store.get(key).compose(session -> session != null && session.running()
      ? send(proxyContext, session)
      : Future.failedFuture("server not running"));
  }

  private Future<HttpClientRequest> send(ProxyContext proxyContext, ServerRecord route) {
    ProxyRequest request = proxyContext.request();
    prepare(request.headers(), route.token(), cookieName);
    request.setAuthority(request.proxiedRequest().authority());
    Future<HttpClientRequest> sent = proxyContext.client().request(new RequestOptions().setHost(route.host()).setPort(route.port()));
    // The proxy answers 502 itself; the reason is only worth a listener when someone reads it.
    if (log.isDebugEnabled()) {
      sent.onFailure(err -> log.atDebug().addKeyValue(RequestIds.LOG_KEY, request.proxiedRequest().getHeader(RequestIds.HEADER))
        .log("no connection to {} at {}:{}: {}", route.key(), route.host(), route.port(), err.getMessage()));
    }
    return sent;
  }

  /** The request headers a container receives. */
  static void prepare(MultiMap headers, String token, String cookieName) {
    HopByHopHeaders.strip(headers);
    String cookies = CookieHeader.without(headers.get(HttpHeaders.COOKIE), cookieName);
    if (cookies == null) {
      headers.remove(HttpHeaders.COOKIE);
    } else {
      headers.set(HttpHeaders.COOKIE, cookies);
    }
    headers.set(HttpHeaders.AUTHORIZATION, "token " + token);
  }
}
