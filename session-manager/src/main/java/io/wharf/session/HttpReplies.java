package io.wharf.session;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * The answers Wharf writes itself, the same from the router and the hub: JSON bodies that are
 * never cached, errors as {@code {"status", "message"}} (JupyterHub's shape, and never a Java
 * class name), and redirects.
 */
public final class HttpReplies {

  private HttpReplies() {
  }

  public static void json(HttpServerResponse response, int status, String body) {
    response.setStatusCode(status)
      .putHeader("Content-Type", "application/json")
      .putHeader("Cache-Control", "no-store")
      .end(body);
  }

  public static void error(HttpServerResponse response, int status, String message) {
    json(response, status, new JsonObject().put("status", status).put("message", message).encode());
  }

  public static void redirect(HttpServerResponse response, String location) {
    response.setStatusCode(302).putHeader("Location", location).putHeader("Cache-Control", "no-store").end();
  }
}
