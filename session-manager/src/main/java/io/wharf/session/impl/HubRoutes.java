package io.wharf.session.impl;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.CSRFHandler;
import io.wharf.session.Account;
import io.wharf.session.Accounts;
import io.wharf.session.SessionCookies;
import io.wharf.session.SharedState;

import java.nio.file.Path;

/**
 * The hub's routes. Bodies are read only here, under {@code /hub/}; proxied {@code /user/}
 * requests never meet a body handler. Every state-changing hub request must carry the
 * double-submit CSRF token ({@code XSRF-TOKEN} cookie echoed in a header or form field).
 */
public final class HubRoutes {

  private static final long BODY_LIMIT = 64 * 1024;

  private final Vertx vertx;
  private final HubAuth auth;
  private final LoginHandler login;
  private final ServerApi servers;
  private final UserApi users;
  private final InstanceApi instances;
  private final TokenApi tokens;
  private final String csrfSecret;
  private final Path staticDir;

  public HubRoutes(Vertx vertx, SessionCookies cookies, Accounts accounts, SharedState store, ServerLifecycle lifecycle,
                   String cookieName, String csrfSecret, Path staticDir) {
    this.vertx = vertx;
    this.auth = new HubAuth(cookies, accounts, store, cookieName);
    this.login = new LoginHandler(auth, accounts, store, lifecycle);
    this.servers = new ServerApi(vertx, auth, store, lifecycle, staticDir);
    this.users = new UserApi(auth, accounts, store, lifecycle);
    this.tokens = new TokenApi(auth, store);
    this.instances = new InstanceApi(auth, store);
    this.csrfSecret = csrfSecret;
    this.staticDir = staticDir;
  }

  public void mount(Router router) {
    CSRFHandler csrf = CSRFHandler.create(vertx, csrfSecret)
      .setCookieSecure(true)
      .setCookiePath("/")
      .setTimeout(8 * 3600 * 1000L);
    // The CSRF check guards what the browser sends with the cookie; an API token is not sent
    // by browsers on their own, so token-authenticated calls skip it.
    router.route("/hub/*").handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT))
      .handler(ctx -> {
        if (HubAuth.bearer(ctx) != null) {
          ctx.next();
        } else {
          csrf.handle(ctx);
        }
      });

    router.get("/hub/login").handler(ctx -> page(ctx, "login.html"));
    router.post("/hub/login").handler(login::login);
    router.post("/hub/logout").handler(login::logout);
    router.get("/hub/logout").handler(login::logout);
    router.get("/hub/home").handler(ctx -> authedPage(ctx, "home.html"));
    router.get("/hub/spawn-pending/:name").handler(servers::pendingPage);
    router.get("/hub/spawn-pending/:name/:server").handler(servers::pendingPage);

    router.get("/hub/api/user").handler(users::self);
    router.get("/hub/api/users").handler(users::list);
    router.post("/hub/api/users").handler(users::createMany);
    router.get("/hub/api/users/:name").handler(users::get);
    router.post("/hub/api/users/:name").handler(users::create);
    router.delete("/hub/api/users/:name").handler(users::delete);
    router.post("/hub/api/users/:name/tokens").handler(tokens::create);
    router.get("/hub/api/users/:name/tokens").handler(tokens::list);
    router.get("/hub/api/users/:name/tokens/:id").handler(tokens::get);
    router.delete("/hub/api/users/:name/tokens/:id").handler(tokens::delete);
    router.post("/hub/api/users/:name/server").handler(servers::start);
    router.delete("/hub/api/users/:name/server").handler(servers::stop);
    router.get("/hub/api/users/:name/server/progress").handler(servers::progress);
    router.post("/hub/api/users/:name/servers/:server").handler(servers::start);
    router.delete("/hub/api/users/:name/servers/:server").handler(servers::stop);
    router.get("/hub/api/users/:name/servers/:server/progress").handler(servers::progress);
    router.get("/hub/api/users/:name/profiles").handler(servers::profiles);
    router.get("/hub/api/instances").handler(instances::list);
    router.post("/hub/api/instances/:id/drain").handler(instances::drain);
    router.delete("/hub/api/instances/:id/drain").handler(instances::undrain);

    router.get("/").handler(ctx -> HubAuth.redirect(ctx, "/hub/home"));
    router.get("/hub").handler(ctx -> HubAuth.redirect(ctx, "/hub/home"));
    router.get("/hub/").handler(ctx -> HubAuth.redirect(ctx, "/hub/home"));

    // A form posted with a stale or missing CSRF token: send the user back to a fresh form.
    router.post("/hub/login").failureHandler(ctx -> {
      if (ctx.statusCode() == 403) {
        HubAuth.redirect(ctx, "/hub/login?error=expired");
      } else {
        ctx.next();
      }
    });
  }

  /** {@code handler}, run only for callers holding {@code scope} (API token or cookie); others get 401 or 403. */
  public Handler<RoutingContext> requireScope(String scope, Handler<RoutingContext> handler) {
    return ctx -> auth.require(ctx, scope, null, caller -> handler.handle(ctx));
  }

  private void page(RoutingContext ctx, String file) {
    ctx.response().putHeader("Cache-Control", "no-store").sendFile(staticDir.resolve(file).toString());
  }

  private void authedPage(RoutingContext ctx, String file) {
    Account caller = auth.cookieAccount(ctx);
    if (caller == null) {
      HubAuth.redirect(ctx, "/hub/login?next=" + ctx.request().path());
    } else {
      page(ctx, file);
    }
  }
}
