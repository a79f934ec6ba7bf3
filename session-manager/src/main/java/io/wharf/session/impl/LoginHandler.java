package io.wharf.session.impl;

import io.vertx.ext.web.RoutingContext;
import io.wharf.session.Account;
import io.wharf.session.Accounts;
import io.wharf.session.Session;
import io.wharf.session.SessionStore;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.logging.Logger;

/** {@code POST /hub/login} and {@code /hub/logout}. The CSRF check runs before these. */
final class LoginHandler {

  private static final Logger log = Logger.getLogger(LoginHandler.class.getName());

  private final HubAuth auth;
  private final Accounts accounts;
  private final SessionStore store;
  private final ServerLifecycle lifecycle;

  LoginHandler(HubAuth auth, Accounts accounts, SessionStore store, ServerLifecycle lifecycle) {
    this.auth = auth;
    this.accounts = accounts;
    this.store = store;
    this.lifecycle = lifecycle;
  }

  void login(RoutingContext ctx) {
    String name = ctx.request().getFormAttribute("username");
    String password = ctx.request().getFormAttribute("password");
    String next = HubAuth.localPath(ctx.request().getFormAttribute("next"), null);
    String user = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    accounts.authenticate(user, password).onComplete(ar -> {
      if (ar.failed()) {
        log.info("Failed login for '" + user.replaceAll("[^a-z0-9._-]", "?") + "' from " + ctx.request().remoteAddress().hostAddress());
        String query = "?error=invalid" + (next == null ? "" : "&next=" + URLEncoder.encode(next, StandardCharsets.UTF_8));
        HubAuth.redirect(ctx, "/hub/login" + query);
        return;
      }
      Account account = ar.result();
      auth.issue(ctx, account.name());
      afterLogin(ctx, account.name(), next);
    });
  }

  private void afterLogin(RoutingContext ctx, String user, String next) {
    store.get(Session.key(user, "")).onComplete(ar -> {
      Session session = ar.succeeded() ? ar.result() : null;
      if (session != null && session.running()) {
        HubAuth.redirect(ctx, next != null ? next : session.url());
      } else if (session != null && session.state() == Session.State.FAILED) {
        HubAuth.redirect(ctx, "/hub/home");
      } else {
        lifecycle.start(user, "").onComplete(started -> HubAuth.redirect(ctx, "/hub/spawn-pending/" + user));
      }
    });
  }

  void logout(RoutingContext ctx) {
    auth.clear(ctx);
    HubAuth.redirect(ctx, "/hub/login");
  }
}
