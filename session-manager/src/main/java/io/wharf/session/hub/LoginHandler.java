package io.wharf.session.hub;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.wharf.session.SessionCookies;
import io.wharf.session.account.Accounts;
import io.wharf.session.account.HashingPool;
import io.wharf.session.lifecycle.ServerLifecycle;
import io.wharf.session.lifecycle.StartRequest;
import io.wharf.session.lifecycle.StartResult;
import io.wharf.session.limits.ClientAddress;
import io.wharf.session.limits.LoginLimits;
import io.wharf.session.store.Account;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * {@code POST /hub/login} and {@code POST /hub/logout}. The CSRF check runs before these. A login past
 * the failed-login limits ({@link LoginLimits}) gets 429, and one that finds the password-hashing
 * pool full gets 503, both with {@code Retry-After}: as JSON for a script, and for a browser's
 * form as a redirect back to the form, which says why and for how long.
 */
final class LoginHandler {

  private static final Logger log = LoggerFactory.getLogger(LoginHandler.class);
  // The queue of password checks drains in well under a second.
  private static final long BUSY_RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final SessionCookies cookies;
  private final String cookieName;
  private final Accounts accounts;
  private final ServerLifecycle lifecycle;
  private final LoginLimits limits;
  private final ClientAddress clients;
  private final Callers callers;
  private final Sessions sessions;

  LoginHandler(SessionCookies cookies, String cookieName, Accounts accounts, ServerLifecycle lifecycle, LoginLimits limits,
               ClientAddress clients, Callers callers, Sessions sessions) {
    this.callers = callers;
    this.sessions = sessions;
    this.cookies = cookies;
    this.cookieName = cookieName;
    this.accounts = accounts;
    this.lifecycle = lifecycle;
    this.limits = limits;
    this.clients = clients;
  }

  void login(RoutingContext ctx) {
    String name = ctx.request().getFormAttribute("username");
    String password = ctx.request().getFormAttribute("password");
    String next = Replies.localPath(ctx.request().getFormAttribute("next"), null);
    String user = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    String client = clients.of(ctx.request());
    limits.admit(user, client).onComplete(admitted -> {
      if (admitted.failed()) {
        refuse(ctx, 503, "unavailable", BUSY_RETRY_NANOS, "sign-in is unavailable: the shared state did not answer", next);
      } else if (!admitted.result().admitted()) {
        log.debug("Refused login for '{}' from {}: too many failed logins", printable(user), client);
        refuse(ctx, 429, "throttled", admitted.result().retryAfterNanos(), "too many failed logins; try again later", next);
      } else {
        check(ctx, user, password, next, client, admitted.result());
      }
    });
  }

  private void check(RoutingContext ctx, String user, String password, String next, String client, LoginLimits.Admission admission) {
    accounts.authenticate(user, password).onComplete(ar -> {
      if (ar.failed() && ar.cause() instanceof HashingPool.Full) {
        limits.abandoned(admission);
        refuse(ctx, 503, "busy", BUSY_RETRY_NANOS, ar.cause().getMessage(), next);
      } else if (ar.failed()) {
        log.atInfo().addKeyValue("request_id", ctx.request().getHeader("X-Request-Id"))
          .log("Failed login for '{}' from {}", printable(user), client);
        // Counted before the answer, so that the next guess already meets it.
        limits.failed(admission).onComplete(counted -> Replies.redirect(ctx, "/hub/login?error=invalid" + nextParam(next)));
      } else {
        limits.succeeded(admission);
        signIn(ctx, ar.result(), next);
      }
    });
  }

  /** Sets the session cookie of {@code account} and goes on as after any login (password or single sign-on). */
  void signIn(RoutingContext ctx, Account account, String next) {
    ctx.response().addCookie(cookie(cookies.issue(account.name(), account.id()), cookies.ttl().toSeconds()));
    afterLogin(ctx, account.name(), next);
  }

  /**
   * Sets a new session cookie for {@code account} after all its sessions were ended up to now.
   * Cookies carry {@code iat} in whole seconds and one issued in the second of the revocation is
   * refused too, so the new one is issued in the next second (a wait of under a second).
   */
  Future<Void> reissue(RoutingContext ctx, Account account) {
    long now = System.currentTimeMillis();
    Promise<Void> issued = Promise.promise();
    ctx.vertx().setTimer(1000 - now % 1000, id -> {
      ctx.response().addCookie(cookie(cookies.issue(account.name(), account.id()), cookies.ttl().toSeconds()));
      issued.complete();
    });
    return issued.future();
  }

  /** A browser's form goes back to the login page, which explains {@code error}; a script gets the status. */
  private static void refuse(RoutingContext ctx, int status, String error, long retryAfterNanos, String message, String next) {
    if (isForm(ctx.request())) {
      long seconds = Replies.retryAfterSeconds(retryAfterNanos);
      ctx.response().putHeader("Retry-After", String.valueOf(seconds));
      Replies.redirect(ctx, "/hub/login?error=" + error + "&retry=" + seconds + nextParam(next));
    } else {
      Replies.retryLater(ctx, status, retryAfterNanos, message);
    }
  }

  /** Whether a person's browser sent the form (a navigation), rather than a script. */
  private static boolean isForm(HttpServerRequest request) {
    String mode = request.getHeader("Sec-Fetch-Mode");
    if (mode != null) {
      return mode.equals("navigate");
    }
    String accept = request.getHeader("Accept");
    return accept != null && accept.contains("text/html");
  }

  private static String nextParam(String next) {
    return next == null ? "" : "&next=" + URLEncoder.encode(next, StandardCharsets.UTF_8);
  }

  private static String printable(String user) {
    return user.replaceAll("[^a-z0-9._-]", "?");
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

  /**
   * {@code POST /hub/logout} (with the CSRF token): ends this cookie's login session on every
   * instance, durably, then clears the cookie and goes to the login page. When the session
   * cannot be ended (the database or the cluster does not answer), 503: the cookie would still
   * work elsewhere, so the browser keeps it and the user can try again.
   */
  void logout(RoutingContext ctx) {
    SessionCookies.Claims claims = callers.cookieClaims(ctx);
    Future<Void> ended = claims == null ? Future.succeededFuture() : sessions.end(claims);
    ended.onSuccess(v -> {
      ctx.response().addCookie(cookie("", 0));
      Replies.redirect(ctx, "/hub/login");
    }).onFailure(err -> {
      log.warn("Could not end a session of '{}': {}", claims.user(), err.getMessage());
      Replies.error(ctx, 503, "could not log out: the session store did not answer; try again");
    });
  }

  private Cookie cookie(String value, long maxAgeSeconds) {
    return Cookie.cookie(cookieName, value)
      .setPath("/").setSecure(true).setHttpOnly(true).setSameSite(CookieSameSite.LAX).setMaxAge(maxAgeSeconds);
  }
}
