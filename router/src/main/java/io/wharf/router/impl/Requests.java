package io.wharf.router.impl;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Small answers shared by the router's handlers. */
final class Requests {

  private Requests() {
  }

  /**
   * Whether a person's browser is navigating to a page (so a redirect helps), as opposed to a
   * script or API client (which wants a status code it can act on).
   */
  static boolean isNavigation(HttpServerRequest request) {
    String mode = request.getHeader("Sec-Fetch-Mode");
    if (mode != null) {
      return mode.equals("navigate");
    }
    if (request.method() != HttpMethod.GET || request.getHeader("X-Requested-With") != null) {
      return false;
    }
    String accept = request.getHeader("Accept");
    return accept != null && accept.contains("text/html");
  }

  static void json(RoutingContext ctx, int status, String message) {
    ctx.response().setStatusCode(status)
      .putHeader("Content-Type", "application/json")
      .putHeader("Cache-Control", "no-store")
      .end(new JsonObject().put("status", status).put("message", message).encode());
  }

  static void redirect(RoutingContext ctx, String location) {
    ctx.response().setStatusCode(302).putHeader("Location", location).putHeader("Cache-Control", "no-store").end();
  }
}
