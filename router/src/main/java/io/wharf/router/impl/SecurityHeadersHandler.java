package io.wharf.router.impl;

import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * Response headers for Wharf's own pages. HSTS, which every HTTPS answer gets (proxied notebook
 * responses only that: Jupyter sets its own framing and content policies), is set by
 * {@link RouterVerticle} before any handler runs.
 */
final class SecurityHeadersHandler implements Handler<RoutingContext> {

  static final CharSequence HSTS_HEADER = HttpHeaders.createOptimized("Strict-Transport-Security");
  static final CharSequence HSTS = HttpHeaders.createOptimized("max-age=31536000");
  private static final String CSP = "default-src 'self'; "
      + "script-src 'self' 'unsafe-inline'; "
      + "style-src 'self' 'unsafe-inline'; "
      + "frame-ancestors 'none'";

  private SecurityHeadersHandler() {
  }

  static SecurityHeadersHandler hub() {
    return new SecurityHeadersHandler();
  }

  @Override
  public void handle(RoutingContext ctx) {
    MultiMap headers = ctx.response().headers();
    headers.set("X-Content-Type-Options", "nosniff");
    headers.set("X-Frame-Options", "DENY");
    headers.set("Referrer-Policy", "same-origin");
    headers.set("Content-Security-Policy", CSP);
    ctx.next();
  }
}
