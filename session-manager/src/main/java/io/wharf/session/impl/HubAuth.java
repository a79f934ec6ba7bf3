package io.wharf.session.impl;

import io.vertx.core.Future;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.wharf.session.Account;
import io.wharf.session.Accounts;
import io.wharf.session.ApiToken;
import io.wharf.session.Scopes;
import io.wharf.session.SessionCookies;
import io.wharf.session.TokenStore;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Consumer;

/**
 * Who is calling the hub: an API token ({@code Authorization: token …} or {@code Bearer …}),
 * limited to its scopes, or the session cookie, with every scope the account allows. Also issues
 * and clears the cookie.
 */
final class HubAuth {

  private final SessionCookies cookies;
  private final Accounts accounts;
  private final TokenStore tokens;
  private final String cookieName;

  HubAuth(SessionCookies cookies, Accounts accounts, TokenStore tokens, String cookieName) {
    this.cookies = cookies;
    this.accounts = accounts;
    this.tokens = tokens;
    this.cookieName = cookieName;
  }

  /** The secret of an API token in the Authorization header, or null. */
  static String bearer(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null) {
      return null;
    }
    if (header.regionMatches(true, 0, "token ", 0, 6)) {
      return header.substring(6).trim();
    }
    if (header.regionMatches(true, 0, "bearer ", 0, 7)) {
      return header.substring(7).trim();
    }
    return null;
  }

  static String hash(String secret) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The account of the session cookie, or null; pages use this, the API uses {@link #caller}. */
  Account cookieAccount(RoutingContext ctx) {
    Cookie cookie = ctx.request().getCookie(cookieName);
    if (cookie == null) {
      return null;
    }
    try {
      return accounts.find(cookies.verify(cookie.getValue()).user());
    } catch (SessionCookies.InvalidCookieException e) {
      return null;
    }
  }

  /** The caller, or null when nothing valid authenticates the request. */
  Future<Scopes.Caller> caller(RoutingContext ctx) {
    String secret = bearer(ctx);
    if (secret == null) {
      Account account = cookieAccount(ctx);
      return Future.succeededFuture(account == null ? null : new Scopes.Caller(account, Scopes.grantable(account), true));
    }
    return tokens.tokenByHash(hash(secret)).map(token -> {
      Account owner = token == null || token.expired(System.currentTimeMillis()) ? null : accounts.find(token.user());
      return owner == null ? null : new Scopes.Caller(owner, token.scopes(), false);
    });
  }

  /** Runs {@code action} when the caller may use {@code scope} on {@code user}; otherwise answers 401 or 403. */
  void require(RoutingContext ctx, String scope, String user, Consumer<Scopes.Caller> action) {
    caller(ctx).onComplete(ar -> {
      Scopes.Caller caller = ar.succeeded() ? ar.result() : null;
      if (ar.failed()) {
        error(ctx, 503, "authentication state unavailable");
      } else if (caller == null) {
        error(ctx, 401, "authentication required");
      } else if (!caller.may(scope, user)) {
        error(ctx, 403, "missing scope " + scope + (user == null ? "" : " for " + user));
      } else {
        action.accept(caller);
      }
    });
  }

  /** A token model as JupyterHub shows it; never the secret. */
  static JsonObject json(ApiToken token) {
    return new JsonObject()
      .put("kind", "api_token")
      .put("id", token.id())
      .put("user", token.user())
      .put("note", token.note())
      .put("scopes", new io.vertx.core.json.JsonArray(token.scopes().stream().sorted().toList()))
      .put("created", ServerModel.iso(token.createdAt()))
      .put("expires_at", ServerModel.iso(token.expiresAt()));
  }

  void issue(RoutingContext ctx, String user) {
    ctx.response().addCookie(Cookie.cookie(cookieName, cookies.issue(user))
      .setPath("/").setSecure(true).setHttpOnly(true).setSameSite(CookieSameSite.LAX)
      .setMaxAge(cookies.ttl().toSeconds()));
  }

  void clear(RoutingContext ctx) {
    ctx.response().addCookie(Cookie.cookie(cookieName, "")
      .setPath("/").setSecure(true).setHttpOnly(true).setSameSite(CookieSameSite.LAX).setMaxAge(0));
  }

  static void json(RoutingContext ctx, int status, JsonObject body) {
    send(ctx, status, body.encode());
  }

  static void json(RoutingContext ctx, int status, io.vertx.core.json.JsonArray body) {
    send(ctx, status, body.encode());
  }

  private static void send(RoutingContext ctx, int status, String body) {
    ctx.response().setStatusCode(status)
      .putHeader("Content-Type", "application/json")
      .putHeader("Cache-Control", "no-store")
      .end(body);
  }

  static void error(RoutingContext ctx, int status, String message) {
    json(ctx, status, new JsonObject().put("status", status).put("message", message));
  }

  static void redirect(RoutingContext ctx, String location) {
    ctx.response().setStatusCode(302).putHeader("Location", location).putHeader("Cache-Control", "no-store").end();
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
