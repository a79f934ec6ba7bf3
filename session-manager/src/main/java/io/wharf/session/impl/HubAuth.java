package io.wharf.session.impl;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.wharf.session.Account;
import io.wharf.session.Accounts;
import io.wharf.session.SessionCookies;

/**
 * Who is calling a hub page or API: the verified session cookie names the user, the account
 * store says whether they are an admin. Also issues and clears the cookie.
 */
final class HubAuth {

  private final SessionCookies cookies;
  private final Accounts accounts;
  private final String cookieName;

  HubAuth(SessionCookies cookies, Accounts accounts, String cookieName) {
    this.cookies = cookies;
    this.accounts = accounts;
    this.cookieName = cookieName;
  }

  /** The caller's account, or null when the cookie is absent, invalid, or names a deleted account. */
  Account caller(RoutingContext ctx) {
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

  /** The caller may act on {@code name}: it is themself, or they are an admin. */
  static boolean mayActOn(Account caller, String name) {
    return caller != null && (caller.admin() || caller.name().equals(name));
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
    ctx.response().setStatusCode(status)
      .putHeader("Content-Type", "application/json")
      .putHeader("Cache-Control", "no-store")
      .end(body.encode());
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
