package io.wharf.router.impl;

import io.vertx.core.Future;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyRequest;
import io.vertx.httpproxy.ProxyResponse;

/**
 * Removes JupyterHub's {@code ?token=} query parameter from a proxied request: the router has
 * used it already, and Jupyter would take it for its own token and refuse the request. The
 * WebSocket tunnel does the same with {@link TokenCredentials#withoutTokenParameter}.
 */
final class TokenParameterInterceptor implements ProxyInterceptor {

  @Override
  public Future<ProxyResponse> handleProxyRequest(ProxyContext context) {
    ProxyRequest request = context.request();
    String uri = request.getURI();
    String stripped = TokenCredentials.withoutTokenParameter(uri);
    if (stripped != uri) {
      request.setURI(stripped);
    }
    return context.sendRequest();
  }
}
