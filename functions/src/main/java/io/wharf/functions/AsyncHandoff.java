package io.wharf.functions;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

import java.util.Arrays;
import java.util.Locale;

/**
 * Where the {@code /fn/} path hands async calls once it has checked the key, the rate and the
 * body: {@code submit} for {@code POST /fn/{owner}/{fn}/{cmd}?async=1} (or {@code Prefer:
 * respond-async}), {@code get} and {@code cancel} for {@code GET} and {@code DELETE /fn/calls/{id}}.
 * The routing context then carries what the check found, under the names below (those of the async
 * calls' routes): the function's owner and name and the key's id on all three; the command, the call
 * ({@code {"args", "kwargs"}}) and the function's timeout on a submission; and the path parameter
 * {@code id} on the other two.
 */
public record AsyncHandoff(Handler<RoutingContext> submit, Handler<RoutingContext> get, Handler<RoutingContext> cancel) {

  public static final String OWNER = "wharf.functions.owner";
  public static final String FUNCTION = "wharf.functions.function";
  public static final String KEY_ID = "wharf.functions.keyId";
  public static final String COMMAND = "wharf.functions.command";
  public static final String CALL = "wharf.functions.call";
  public static final String TIMEOUT = "wharf.functions.timeout";

  /** Whether a request asks for an async call: {@code ?async=1} (or {@code true}), or {@code Prefer: respond-async}. */
  public static boolean wanted(HttpServerRequest request) {
    String async = request.getParam("async");
    return "1".equals(async) || "true".equalsIgnoreCase(async) || request.headers().getAll("Prefer").stream()
      .flatMap(value -> Arrays.stream(value.split(",")))
      .anyMatch(preference -> preference.trim().toLowerCase(Locale.ROOT).startsWith("respond-async"));
  }
}
