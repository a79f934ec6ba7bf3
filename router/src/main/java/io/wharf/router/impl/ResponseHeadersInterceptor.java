package io.wharf.router.impl;

import io.vertx.core.Future;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyResponse;

/** Drops hop-by-hop headers from the container's response; the proxy forwards them otherwise. */
final class ResponseHeadersInterceptor implements ProxyInterceptor {

  @Override
  public Future<Void> handleProxyResponse(ProxyContext context) {
    HopByHopHeaders.strip(context.response().headers());
    return context.sendResponse();
  }
}
