package io.wharf.session.hub;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.wharf.session.HttpReplies;

import java.util.concurrent.TimeUnit;

/** The hub's answers, in the shapes every Wharf answer has ({@link HttpReplies}). */
final class Replies {

  private Replies() {
  }

  static void json(RoutingContext ctx, int status, JsonObject body) {
    HttpReplies.json(ctx.response(), status, body.encode());
  }

  static void json(RoutingContext ctx, int status, JsonArray body) {
    HttpReplies.json(ctx.response(), status, body.encode());
  }

  static void error(RoutingContext ctx, int status, String message) {
    HttpReplies.error(ctx.response(), status, message);
  }

  /** An error the caller may retry: {@code Retry-After} in whole seconds, at least one. */
  static void retryLater(RoutingContext ctx, int status, long retryAfterNanos, String message) {
    ctx.response().putHeader("Retry-After", String.valueOf(retryAfterSeconds(retryAfterNanos)));
    error(ctx, status, message);
  }

  static long retryAfterSeconds(long nanos) {
    return Math.max(1, TimeUnit.NANOSECONDS.toSeconds(nanos + TimeUnit.SECONDS.toNanos(1) - 1));
  }

  static void noContent(RoutingContext ctx) {
    ctx.response().setStatusCode(204).end();
  }

  static void redirect(RoutingContext ctx, String location) {
    HttpReplies.redirect(ctx.response(), location);
  }

  /** A redirect target only when it is a path on this site, never another origin. */
  static String localPath(String next, String fallback) {
    if (next == null || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")
      || next.chars().anyMatch(c -> c < 0x20)) {
      return fallback;
    }
    return next;
  }
}
