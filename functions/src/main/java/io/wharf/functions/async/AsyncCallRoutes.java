package io.wharf.functions.async;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/**
 * The HTTP face of {@link AsyncCalls}, as Vert.x Web handlers for the functions role to mount
 * after its own caller check:
 * <ul>
 *   <li>{@link #submit()} for {@code POST /fn/{owner}/{fn}/{cmd}} when {@link #wantsAsync} →
 *       202, {@code Location: /fn/calls/{id}}; 503 with {@code Retry-After} when the function's queue is full;</li>
 *   <li>{@link #get()} for {@code GET /fn/calls/:id} → 200, the call's state and, once ended, the function's answer;</li>
 *   <li>{@link #cancel()} for {@code DELETE /fn/calls/:id} → 200 cancelled, 409 if it had ended.</li>
 * </ul>
 * The caller is verified before these run, and the check leaves what it found in routing-context
 * data: {@link #OWNER}, {@link #FUNCTION} and {@link #KEY_ID} (the function the presented key is
 * for, and the key's id; an empty id for an anonymous caller of a public function) on all three;
 * and on a submission also {@link #COMMAND}, {@link #CALL} (the call already translated to
 * {@code {"args", "kwargs"}}) and optionally {@link #TIMEOUT} (the function's timeout). A call is
 * visible only to callers of its own function: any other gets 404, as for an unknown id.
 */
public final class AsyncCallRoutes {

  public static final String OWNER = "wharf.functions.owner";
  public static final String FUNCTION = "wharf.functions.function";
  public static final String KEY_ID = "wharf.functions.keyId";
  public static final String COMMAND = "wharf.functions.command";
  public static final String CALL = "wharf.functions.call";
  public static final String TIMEOUT = "wharf.functions.timeout";

  /** The path a call is read and cancelled at; its parameter is {@code id}. */
  public static final String CALL_PATH = "/fn/calls/:id";

  /** When to try again after a 503: long enough for a full queue to move, short enough not to lose much time. */
  static final int RETRY_AFTER_SECONDS = 5;
  private static final int MAX_IDEMPOTENCY_KEY = 255;

  private final AsyncCalls calls;

  private AsyncCallRoutes(AsyncCalls calls) {
    this.calls = calls;
  }

  public static AsyncCallRoutes create(AsyncCalls calls) {
    return new AsyncCallRoutes(calls);
  }

  /** Whether the request asks for an async call: {@code ?async=1} (or {@code true}), or {@code Prefer: respond-async}. */
  public static boolean wantsAsync(HttpServerRequest request) {
    String async = request.getParam("async");
    return "1".equals(async) || "true".equalsIgnoreCase(async) || prefersAsync(request);
  }

  private static boolean prefersAsync(HttpServerRequest request) {
    return request.headers().getAll("Prefer").stream()
      .flatMap(value -> Arrays.stream(value.split(",")))
      .anyMatch(preference -> preference.trim().toLowerCase(Locale.ROOT).startsWith("respond-async"));
  }

  public Handler<RoutingContext> submit() {
    return ctx -> {
      String idempotencyKey = ctx.request().getHeader("Idempotency-Key");
      if (idempotencyKey != null && (idempotencyKey.isEmpty() || idempotencyKey.length() > MAX_IDEMPOTENCY_KEY)) {
        problem(ctx.response(), 400, "Bad Idempotency-Key", "an Idempotency-Key has 1 to " + MAX_IDEMPOTENCY_KEY + " characters");
        return;
      }
      Duration timeout = ctx.get(TIMEOUT);
      String owner = ctx.get(OWNER);
      String function = ctx.get(FUNCTION);
      String command = ctx.get(COMMAND);
      JsonObject call = ctx.get(CALL);
      String keyId = ctx.get(KEY_ID, "");
      (timeout == null ? calls.submit(owner, function, command, call, idempotencyKey, keyId)
        : calls.submit(owner, function, command, call, idempotencyKey, keyId, timeout))
        .onSuccess(stored -> {
          HttpServerResponse response = ctx.response().putHeader("Location", "/fn/calls/" + stored.id());
          if (prefersAsync(ctx.request())) {
            response.putHeader("Preference-Applied", "respond-async");
          }
          json(response, 202, stored.toJson());
        })
        .onFailure(e -> {
          if (e instanceof QueueFullException) {
            ctx.response().putHeader("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
            problem(ctx.response(), 503, "Queue full", e.getMessage());
          } else {
            unavailable(ctx);
          }
        });
    };
  }

  public Handler<RoutingContext> get() {
    return ctx -> calls.get(ctx.pathParam("id"))
      .onSuccess(call -> {
        if (visible(ctx, call)) {
          json(ctx.response(), 200, call.toJson());
        } else {
          notFound(ctx);
        }
      })
      .onFailure(e -> unavailable(ctx));
  }

  public Handler<RoutingContext> cancel() {
    return ctx -> calls.get(ctx.pathParam("id"))
      .compose(call -> visible(ctx, call) ? calls.cancel(call.id()) : Future.<AsyncCall>succeededFuture())
      .onSuccess(call -> {
        if (call == null) {
          notFound(ctx);
        } else if (call.state() == CallState.CANCELLED) {
          json(ctx.response(), 200, call.toJson());
        } else {
          problem(ctx.response(), 409, "Already ended", "the call has ended: " + call.state().label());
        }
      })
      .onFailure(e -> unavailable(ctx));
  }

  private static boolean visible(RoutingContext ctx, AsyncCall call) {
    return call != null && call.owner().equals(ctx.get(OWNER)) && call.function().equals(ctx.get(FUNCTION));
  }

  private static void notFound(RoutingContext ctx) {
    problem(ctx.response(), 404, "Not found", "no such call");
  }

  /** The database did not answer: the call may or may not exist; try again. */
  private static void unavailable(RoutingContext ctx) {
    ctx.response().putHeader("Retry-After", "1");
    problem(ctx.response(), 503, "Store unavailable", "the call store did not answer; try again");
  }

  private static void json(HttpServerResponse response, int status, JsonObject body) {
    response.setStatusCode(status).putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
      .end(body.encode());
  }

  /** An RFC 9457 problem: what failed, in words, and nothing of Wharf's internals. */
  static void problem(HttpServerResponse response, int status, String title, String detail) {
    response.setStatusCode(status).putHeader("Content-Type", "application/problem+json").putHeader("Cache-Control", "no-store")
      .end(new JsonObject().put("type", "about:blank").put("title", title).put("status", status).put("detail", detail).encode());
  }
}
