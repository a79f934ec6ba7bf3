package io.wharf.session.hub;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;
import io.wharf.session.SessionCookies;
import io.wharf.session.account.Accounts;
import io.wharf.session.lifecycle.ServerLifecycle;
import io.wharf.session.lifecycle.StartRequest;
import io.wharf.session.lifecycle.StartResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** {@code POST /hub/login} and {@code /hub/logout}. The CSRF check runs before these. */
final class LoginHandler {

  private static final Logger log = LoggerFactory.getLogger(LoginHandler.class);

  private final SessionCookies cookies;
  private final String cookieName;
  private final Accounts accounts;
  private final ServerLifecycle lifecycle;

  LoginHandler(SessionCookies cookies, String cookieName, Accounts accounts, ServerLifecycle lifecycle) {
    this.cookies = cookies;
    this.cookieName = cookieName;
    this.accounts = accounts;
    this.lifecycle = lifecycle;
  }

  void login(RoutingContext ctx) {
    String name = ctx.request().getFormAttribute("username");
    String password = ctx.request().getFormAttribute("password");
    String next = Replies.localPath(ctx.request().getFormAttribute("next"), null);
    String user = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    accounts.authenticate(user, password).onComplete(ar -> {
      if (ar.failed()) {
        log.info("Failed login for '{}' from {}", user.replaceAll("[^a-z0-9._-]", "?"), ctx.request().remoteAddress().hostAddress());
        String query = "?error=invalid" + (next == null ? "" : "&next=" + URLEncoder.encode(next, StandardCharsets.UTF_8));
        Replies.redirect(ctx, "/hub/login" + query);
        return;
      }
      String account = ar.result().name();
      ctx.response().addCookie(cookie(cookies.issue(account), cookies.ttl().toSeconds()));
      afterLogin(ctx, account, next);
    });
  }

  /** A running server: on to it (or {@code next}); a failed one: home, to read why; else start it and follow. */
  private void afterLogin(RoutingContext ctx, String user, String next) {
    lifecycle.ensureStarted(user, "", StartRequest.implied()).onComplete(ar -> {
      StartResult.Outcome outcome = ar.succeeded() ? ar.result().outcome() : null;
      if (outcome == StartResult.Outcome.RUNNING) {
        Replies.redirect(ctx, next != null ? next : ar.result().server().url());
      } else if (outcome == StartResult.Outcome.FAILED) {
        Replies.redirect(ctx, "/hub/home");
      } else {
        // Starting, refused or not startable right now: the pending page shows which.
        Replies.redirect(ctx, "/hub/spawn-pending/" + user);
      }
    });
  }

  void logout(RoutingContext ctx) {
    ctx.response().addCookie(cookie("", 0));
    Replies.redirect(ctx, "/hub/login");
  }

  private Cookie cookie(String value, long maxAgeSeconds) {
    return Cookie.cookie(cookieName, value)
      .setPath("/").setSecure(true).setHttpOnly(true).setSameSite(CookieSameSite.LAX).setMaxAge(maxAgeSeconds);
  }
}
