package io.wharf.router.impl;

import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;

/**
 * Response headers for Wharf's own pages. Proxied notebook responses get only HSTS: Jupyter sets
 * its own framing and content policies, which Wharf must not override.
 */
final class SecurityHeadersHandler implements Handler<RoutingContext> {

  private static final String HSTS = "max-age=31536000";

  private final boolean hubPage;

  private SecurityHeadersHandler(boolean hubPage) {
    this.hubPage = hubPage;
  }

  static SecurityHeadersHandler hub() {
    return new SecurityHeadersHandler(true);
  }

  static SecurityHeadersHandler proxied() {
    return new SecurityHeadersHandler(false);
  }

  @Override
  public void handle(RoutingContext ctx) {
    MultiMap headers = ctx.response().headers();
    headers.set("Strict-Transport-Security", HSTS);
    if (hubPage) {
      headers.set("X-Content-Type-Options", "nosniff");
      headers.set("X-Frame-Options", "DENY");
      headers.set("Referrer-Policy", "same-origin");
      headers.set("Content-Security-Policy", "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'");
    }
    ctx.next();
  }
}
