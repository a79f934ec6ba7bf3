package io.wharf.router.impl;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.wharf.session.SessionCookies;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Authenticates every request under {@code /user/{name}/}: the session cookie must verify and
 * name the path's user. Without a valid cookie a navigation is sent to the login page and any
 * other request gets 401; a valid cookie of another user gets 403.
 */
final class CookieAuthHandler implements Handler<RoutingContext> {

  static final String USER = "wharf.user";

  private final SessionCookies cookies;
  private final String cookieName;
  private final VerifiedCookieCache cache;

  CookieAuthHandler(SessionCookies cookies, String cookieName, int cacheSize) {
    this.cookies = cookies;
    this.cookieName = cookieName;
    this.cache = new VerifiedCookieCache(cacheSize);
  }

  @Override
  public void handle(RoutingContext ctx) {
    String path = ctx.request().path();
    String user = UserPath.user(path);
    if (user == null) {
      Requests.json(ctx, 404, "no such path");
      return;
    }
    SessionCookies.Claims claims = claims(CookieHeader.value(ctx.request().getHeader("Cookie"), cookieName));
    if (claims == null) {
      if (Requests.isNavigation(ctx.request())) {
        Requests.redirect(ctx, "/hub/login?next=" + URLEncoder.encode(ctx.request().uri(), StandardCharsets.UTF_8));
      } else {
        Requests.json(ctx, 401, "authentication required");
      }
      return;
    }
    if (!claims.user().equals(user)) {
      Requests.json(ctx, 403, "this server belongs to another user");
      return;
    }
    if (UserPath.missingSlash(path, user)) {
      Requests.redirect(ctx, path + "/");
      return;
    }
    ctx.put(USER, user);
    ctx.next();
  }

  private SessionCookies.Claims claims(String cookie) {
    if (cookie == null) {
      return null;
    }
    long now = System.currentTimeMillis();
    SessionCookies.Claims claims = cache.get(cookie, now);
    if (claims != null) {
      return claims;
    }
    try {
      claims = cookies.verify(cookie);
    } catch (SessionCookies.InvalidCookieException e) {
      return null;
    }
    cache.put(cookie, claims);
    return claims;
  }
}
