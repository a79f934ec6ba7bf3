package io.wharf.functions.impl.invoke;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.wharf.functions.Invocation;

/**
 * Errors of the {@code /fn/} path, as RFC 9457 problem details ({@code application/problem+json}):
 * {@code title} says who failed, {@code detail} what happened. A function's own exception carries
 * its type and message only, never Wharf's internals.
 */
public final class Problems {

  public static final String CONTENT_TYPE = "application/problem+json";

  private Problems() {
  }

  public static Invocation.Result result(int status, String title, String detail) {
    return new Invocation.Result(status, body(status, title, detail).toBuffer());
  }

  public static JsonObject body(int status, String title, String detail) {
    return new JsonObject().put("type", "about:blank").put("title", title).put("status", status).put("detail", detail);
  }

  /** A function raised: its exception's type and message. */
  public static Invocation.Result raised(String type, String message) {
    JsonObject body = body(500, "the function raised an exception", type + ": " + message)
      .put("error", new JsonObject().put("type", type).put("message", message));
    return new Invocation.Result(500, body.toBuffer());
  }

  /** Writes a result: JSON for a success, a problem otherwise; {@code retryAfter} seconds when above 0. */
  public static void send(HttpServerResponse response, Invocation.Result result, long retryAfter) {
    if (response.ended() || response.closed()) {
      return;
    }
    if (retryAfter > 0) {
      response.putHeader("Retry-After", Long.toString(retryAfter));
    }
    response.setStatusCode(result.status())
      .putHeader("Content-Type", result.status() == 200 ? "application/json" : CONTENT_TYPE)
      .putHeader("Cache-Control", "no-store")
      .end(result.body());
  }

  public static void send(HttpServerResponse response, int status, String title, String detail, long retryAfter) {
    send(response, result(status, title, detail), retryAfter);
  }

  /** The Retry-After a result should carry. */
  public static long retryAfter(Invocation.Result result) {
    return result.status() == 503 || result.status() == 429 ? Math.max(1, result.body().toJsonObject().getLong("retry_after", 1L)) : 0;
  }
}
