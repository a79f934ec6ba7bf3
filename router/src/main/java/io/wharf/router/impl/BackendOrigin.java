package io.wharf.router.impl;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.WebServerRequest;
import io.vertx.httpproxy.OriginRequestProvider;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyRequest;
import io.wharf.session.Session;

/**
 * Points each proxied request at the container that {@link RouteLookupHandler} found, and fixes
 * up what the container sees: its own token instead of Wharf's cookie, the public Host (so
 * Jupyter's same-origin checks pass), and no hop-by-hop headers.
 */
final class BackendOrigin implements OriginRequestProvider {

  private final String cookieName;

  BackendOrigin(String cookieName) {
    this.cookieName = cookieName;
  }

  @Override
  public Future<HttpClientRequest> create(ProxyContext proxyContext) {
    ProxyRequest request = proxyContext.request();
    RoutingContext ctx = ((WebServerRequest) request.proxiedRequest()).routingContext();
    Session route = ctx.get(RouteLookupHandler.ROUTE);
    prepare(request.headers(), route.token(), cookieName);
    request.setAuthority(request.proxiedRequest().authority());
    return proxyContext.client().request(new RequestOptions().setHost(route.host()).setPort(route.port()));
  }

  /** The request headers a container receives. */
  static void prepare(MultiMap headers, String token, String cookieName) {
    HopByHopHeaders.strip(headers);
    String cookies = CookieHeader.without(headers.get("Cookie"), cookieName);
    if (cookies == null) {
      headers.remove("Cookie");
    } else {
      headers.set("Cookie", cookies);
    }
    headers.set("Authorization", "token " + token);
  }
}
