package io.wharf.functions.impl.invoke;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.wharf.functions.AsyncHandoff;
import io.wharf.functions.FunctionsOptions;
import io.wharf.functions.impl.registry.FunctionKey;
import io.wharf.functions.impl.registry.FunctionRecord;
import io.wharf.functions.impl.registry.FunctionStore;
import io.wharf.session.Secrets;
import io.wharf.session.store.Rate;
import io.wharf.session.store.RateLimitStore;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code /fn/{owner}/{function}/{command}[/{arg}...]?k=v}: checks the body's size (413, before
 * reading it) and the key ({@code Authorization: Bearer}; 401 without, 403 wrong, revoked, expired or
 * another function's), the key's rate (429), then turns the request into one runtime call: path
 * segments after the command are positional string arguments, the query keyword arguments, and a
 * POST's JSON body keyword arguments (or {@code {"args": [...], "kwargs": {...}}}).
 * {@code GET /fn/{owner}/{function}/openapi.json} describes the commands.
 */
public final class InvocationHandler implements Handler<RoutingContext> {

  public static final String PREFIX = "/fn/";

  private static final byte[] NO_ARGUMENTS = "{\"args\":[],\"kwargs\":{}}".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] KWARGS_OPEN = "{\"args\":[],\"kwargs\":".getBytes(StandardCharsets.US_ASCII);

  private final FunctionsOptions options;
  private final FunctionStore registry;
  private final Dispatcher dispatcher;
  private final RateLimitStore rateLimits;
  private final Rate rate;
  private volatile AsyncHandoff async;

  public InvocationHandler(FunctionsOptions options, FunctionStore registry, Dispatcher dispatcher, RateLimitStore rateLimits) {
    this.options = options;
    this.registry = registry;
    this.dispatcher = dispatcher;
    this.rateLimits = rateLimits;
    this.rate = options.callsPerSecondPerKey() == 0 ? null
      : new Rate(options.keyBurst(), options.callsPerSecondPerKey(), Duration.ofSeconds(1));
  }

  /** From now on, async calls go to {@code handoff}; until then a request for one is answered synchronously. */
  public void handAsyncTo(AsyncHandoff handoff) {
    this.async = handoff;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    String[] parts = request.path().substring(PREFIX.length()).split("/", -1);
    AsyncHandoff handoff = async;
    if (handoff != null && parts.length == 2 && parts[0].equals("calls") && !parts[1].isEmpty()) {
      AsyncCallCheck.handle(ctx, registry, handoff, decode(parts[1]));
      return;
    }
    if (parts.length < 3 || parts[0].isEmpty() || parts[1].isEmpty() || parts[2].isEmpty()) {
      Problems.send(ctx.response(), 404, "no such function", "call /fn/{owner}/{function}/{command}", 0);
      return;
    }
    if (request.method() != HttpMethod.GET && request.method() != HttpMethod.POST) {
      ctx.response().putHeader("Allow", "GET, POST");
      Problems.send(ctx.response(), 405, "method not allowed", "functions take GET and POST", 0);
      return;
    }
    String length = request.getHeader("Content-Length");
    if (length != null && !withinLimit(length, options.maxBodyBytes())) {
      ctx.response().putHeader("Connection", "close");
      Problems.send(ctx.response(), 413, "the request body is too large", "at most " + options.maxBodyBytes() + " bytes", 0);
      return;
    }
    request.pause();
    String owner = decode(parts[0]);
    String name = decode(parts[1]);
    String command = decode(parts[2]);
    JsonArray pathArgs = new JsonArray(parts.length > 3 ? new ArrayList<>(parts.length - 3) : List.of());
    for (int i = 3; i < parts.length; i++) {
      pathArgs.add(decode(parts[i]));
    }
    String secret = bearer(request);
    Future<FunctionKey> key = secret == null ? Future.succeededFuture() : registry.keyByHash(Secrets.sha256Hex(secret));
    Future.all(registry.find(owner, name), key).onComplete(ar -> {
      if (ar.failed()) {
        Problems.send(ctx.response(), 503, "the function registry is unavailable", "try again", 1);
        return;
      }
      FunctionRecord fn = ar.result().resultAt(0);
      FunctionKey found = ar.result().resultAt(1);
      if (secret == null && (fn == null || !fn.open())) {
        ctx.response().putHeader("WWW-Authenticate", "Bearer");
        Problems.send(ctx.response(), 401, "a key is required", "send Authorization: Bearer <key>", 0);
      } else if (secret != null && (found == null || found.expired(System.currentTimeMillis()))) {
        Problems.send(ctx.response(), 403, "the key is not valid", "the key is unknown, revoked or expired", 0);
      } else if (fn == null) {
        Problems.send(ctx.response(), 404, "no such function", "there is no function " + owner + "/" + name, 0);
      } else if (found != null && !found.opens(fn)) {
        Problems.send(ctx.response(), 403, "the key is not valid", "the key belongs to another function", 0);
      } else {
        withinRate(ctx, fn, found, command, pathArgs);
      }
    });
  }

  private void withinRate(RoutingContext ctx, FunctionRecord fn, FunctionKey key, String command, JsonArray pathArgs) {
    String bucket = key == null ? "fnpub:" + fn.key() : "fnkey:" + key.hash();
    Future<Long> wait = rate == null ? Future.succeededFuture(0L) : rateLimits.takeFromLocalCopy(bucket, rate);
    wait.onComplete(ar -> {
      if (ar.failed()) {
        Problems.send(ctx.response(), 503, "the rate limits are unavailable", "try again", 1);
      } else if (ar.result() > 0) {
        long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(ar.result() + TimeUnit.SECONDS.toNanos(1) - 1));
        Problems.send(ctx.response(), 429, "too many calls with this key", "slow down", seconds);
      } else if (pathArgs.isEmpty() && command.equals("openapi.json") && ctx.request().method() == HttpMethod.GET) {
        openApi(ctx, fn);
      } else {
        readAndCall(ctx, fn, key == null ? "" : key.id(), command, pathArgs);
      }
    });
  }

  private void readAndCall(RoutingContext ctx, FunctionRecord fn, String keyId, String command, JsonArray pathArgs) {
    HttpServerRequest request = ctx.request();
    Buffer body = Buffer.buffer();
    boolean[] tooLarge = {false};
    request.handler(chunk -> {
      if (body.length() + chunk.length() > options.maxBodyBytes()) {
        if (!tooLarge[0]) {
          tooLarge[0] = true;
          ctx.response().putHeader("Connection", "close");
          Problems.send(ctx.response(), 413, "the request body is too large", "at most " + options.maxBodyBytes() + " bytes", 0);
        }
        return;
      }
      body.appendBuffer(chunk);
    });
    request.exceptionHandler(e -> { });
    request.endHandler(v -> {
      if (tooLarge[0]) {
        return;
      }
      AsyncHandoff handoff = async;
      boolean toAsync = handoff != null && request.method() == HttpMethod.POST && AsyncHandoff.wanted(request);
      Buffer asIs = toAsync ? null : runtimeForm(pathArgs, request.query(), body);
      if (asIs != null) {
        dispatcher.invoke(fn, command, asIs, Duration.ofSeconds(fn.timeoutSeconds()))
          .onSuccess(result -> Problems.send(ctx.response(), result, Problems.retryAfter(result)));
        return;
      }
      JsonObject call;
      try {
        call = CallBody.of(pathArgs, request.params(), body);
      } catch (IllegalArgumentException e) {
        Problems.send(ctx.response(), 400, "the request is not a call", e.getMessage(), 0);
        return;
      }
      if (toAsync) {
        ctx.put(AsyncHandoff.OWNER, fn.owner()).put(AsyncHandoff.FUNCTION, fn.name()).put(AsyncHandoff.KEY_ID, keyId)
          .put(AsyncHandoff.COMMAND, command).put(AsyncHandoff.CALL, call).put(AsyncHandoff.TIMEOUT, Duration.ofSeconds(fn.timeoutSeconds()));
        handoff.submit().handle(ctx);
        return;
      }
      dispatcher.invoke(fn, command, call, Duration.ofSeconds(fn.timeoutSeconds()))
        .onSuccess(result -> Problems.send(ctx.response(), result, Problems.retryAfter(result)));
    });
    request.resume();
  }

  /**
   * The runtime's body for a call with neither path arguments nor a query, built from the caller's
   * bytes without parsing them into objects: the body itself when it is already in the runtime's
   * form, wrapped as {@code kwargs} when it is another JSON object. Null for everything else,
   * which {@link CallBody} translates (or refuses) as before.
   */
  static Buffer runtimeForm(JsonArray pathArgs, String query, Buffer body) {
    if (!pathArgs.isEmpty() || query != null) {
      return null;
    }
    if (body.length() == 0) {
      return Buffer.buffer(NO_ARGUMENTS);
    }
    return switch (JsonShape.call(body)) {
      case RUNTIME_FORM -> body;
      case KEYWORDS -> Buffer.buffer(KWARGS_OPEN.length + body.length() + 1).appendBytes(KWARGS_OPEN).appendBuffer(body)
        .appendByte((byte) '}');
      case OTHER -> null;
    };
  }

  /** Whether a {@code Content-Length} is a decimal number of at most {@code limit}; no pattern, it is read on every call. */
  static boolean withinLimit(String length, long limit) {
    if (length.isEmpty() || length.length() > 18) {
      return false;
    }
    for (int i = 0; i < length.length(); i++) {
      char c = length.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return Long.parseLong(length) <= limit;
  }

  private void openApi(RoutingContext ctx, FunctionRecord fn) {
    dispatcher.describe(fn, Duration.ofSeconds(Math.max(fn.timeoutSeconds(), 10))).onComplete(ar -> {
      if (ar.failed()) {
        Problems.send(ctx.response(), 503, "the function could not describe itself", String.valueOf(ar.cause().getMessage()), 1);
      } else {
        ctx.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
          .end(OpenApi.of(fn, ar.result()).encodePrettily());
      }
    });
  }

  static String bearer(HttpServerRequest request) {
    String header = request.getHeader("Authorization");
    if (header != null && header.regionMatches(true, 0, "bearer ", 0, 7)) {
      String secret = header.substring(7).trim();
      return secret.isEmpty() ? null : secret;
    }
    return null;
  }

  private static String decode(String segment) {
    try {
      return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return segment;
    }
  }
}
