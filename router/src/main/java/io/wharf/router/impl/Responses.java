package io.wharf.router.impl;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.wharf.session.HttpReplies;

/** Small answers the router gives itself, without involving a container. */
final class Responses {

  private Responses() {
  }

  /**
   * Whether a person's browser is navigating to a page (so a redirect helps), as opposed to a
   * script or API client (which wants a status code it can act on).
   */
  static boolean isNavigation(HttpServerRequest request) {
    return isNavigation(request.method() == HttpMethod.GET, request.getHeader("Sec-Fetch-Mode"),
      request.getHeader("X-Requested-With"), request.getHeader("Accept"));
  }

  /** The same from a request's method being GET and its headers {@code Sec-Fetch-Mode}, {@code X-Requested-With} and {@code Accept}. */
  static boolean isNavigation(boolean get, String fetchMode, String requestedWith, String accept) {
    if (fetchMode != null) {
      return fetchMode.equals("navigate");
    }
    if (!get || requestedWith != null) {
      return false;
    }
    return accept != null && accept.contains("text/html");
  }

  static void json(HttpServerRequest request, int status, String message) {
    HttpReplies.error(request.response(), status, message);
  }

  static void redirect(HttpServerRequest request, String location) {
    HttpReplies.redirect(request.response(), location);
  }
}
