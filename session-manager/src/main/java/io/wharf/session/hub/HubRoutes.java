package io.wharf.session.hub;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.CSRFHandler;
import io.wharf.session.OidcOptions;
import io.wharf.session.Pages;
import io.wharf.session.RateLimitOptions;
import io.wharf.session.Scopes;
import io.wharf.session.ServiceOptions;
import io.wharf.session.SessionCookies;
import io.wharf.session.SharedState;
import io.wharf.session.account.Accounts;
import io.wharf.session.account.DurableGroups;
import io.wharf.session.lifecycle.Progress;
import io.wharf.session.lifecycle.ServerLifecycle;
import io.wharf.session.limits.ApiLimits;
import io.wharf.session.limits.ClientAddress;
import io.wharf.session.limits.LoginLimits;
import io.wharf.session.store.Account;
import io.wharf.session.store.RevocationStore;
import io.wharf.session.store.TokenStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The hub's routes. Bodies are read only here, under {@code /hub/}; proxied {@code /user/}
 * requests never meet a body handler. Every state-changing hub request must carry the
 * double-submit CSRF token ({@code XSRF-TOKEN} cookie echoed in a header or form field).
 */
public final class HubRoutes {

  private static final Logger log = LoggerFactory.getLogger(HubRoutes.class);
  private static final long BODY_LIMIT = 64 * 1024;

  private final Vertx vertx;
  private final Callers callers;
  private final LoginHandler login;
  private final Sessions sessions;
  private final PasswordApi passwords;
  private final OidcLogin oidc;
  private final ServerApi servers;
  private final ProgressStream progress;
  private final PendingPage pending;
  private final JupyterHubApi jupyterHub;
  private final UserApi users;
  private final UserAdminApi userAdmin;
  private final UsageApi usage;
  private final InstanceApi instances;
  private final TokenApi tokens;
  private final String csrfSecret;
  private final Path staticDir;
  private final Accounts accounts;

  /**
   * @param tokens      the API tokens, written through to the database
   * @param revocations the ended login sessions, written through to the database
   * @param oidcOptions single sign-on through an OpenID Connect provider, when enabled
   * @param services    the JupyterHub services configured to call the API
   * @param groups      the groups, written through to the database
   */
  public HubRoutes(Vertx vertx, SessionCookies cookies, String cookieName, Accounts accounts, TokenStore tokens,
                   RevocationStore revocations, SharedState state, ServerLifecycle lifecycle, Path staticDir, RateLimitOptions limits,
                   OidcOptions oidcOptions, List<ServiceOptions> services, DurableGroups groups) {
    this.vertx = vertx;
    Services configured = new Services(services);
    Function<String, Set<String>> groupsOf = user -> {
      Account account = accounts.find(user);
      return account == null ? Set.of() : groups.groupsOf(account.id());
    };
    this.callers = new Callers(cookies, accounts, tokens, cookieName, new ApiLimits(state.rateLimits(), limits), revocations,
      groupsOf, configured, new ApiActivity(state.activity()));
    this.sessions = new Sessions(callers, revocations, cookies);
    LoginLimits loginLimits = new LoginLimits(state.rateLimits(), limits);
    ClientAddress clients = ClientAddress.create(limits.trustedProxies());
    this.login = new LoginHandler(cookies, cookieName, accounts, lifecycle, loginLimits, clients, callers, sessions);
    this.passwords = new PasswordApi(callers, accounts, sessions, loginLimits, clients, login);
    this.oidc = new OidcLogin(oidcOptions, new OidcClient(vertx, oidcOptions), accounts, login, cookies.csrfSecret());
    this.servers = new ServerApi(callers, accounts, lifecycle);
    this.progress = new ProgressStream(vertx, servers, state.servers(), new Progress(vertx));
    this.pending = new PendingPage(callers, accounts, lifecycle, staticDir);
    UserModels models = new UserModels(state, groupsOf);
    this.users = new UserApi(callers, accounts, models);
    this.jupyterHub = new JupyterHubApi(callers, accounts, tokens, state, models, configured, groups);
    this.userAdmin = new UserAdminApi(callers, accounts, state.servers(), lifecycle, sessions);
    this.usage = new UsageApi(lifecycle.usage().records());
    this.tokens = new TokenApi(callers, tokens, state.activity());
    this.instances = new InstanceApi(callers, state.cluster());
    this.csrfSecret = cookies.csrfSecret();
    this.staticDir = staticDir;
    this.accounts = accounts;
  }

  /** What {@code POST /hub/api/shutdown} runs, once answered: stopping this instance cleanly. */
  public void onShutdown(Runnable stop) {
    jupyterHub.onShutdown(stop);
  }

  /** @param api another module's routes under {@code /hub/api/}, mounted before the answer to unknown API paths */
  public void mount(Router router, Consumer<Router> api) {
    CSRFHandler csrf = CSRFHandler.create(vertx, csrfSecret)
      .setCookieSecure(true)
      .setCookiePath("/")
      .setTimeout(8 * 3600 * 1000L);
    // The CSRF check guards what the browser sends with the cookie; an API token is not sent
    // by browsers on their own, so token-authenticated calls skip it.
    router.route("/hub/*").handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT))
      .handler(ctx -> {
        if (Callers.bearer(ctx) != null) {
          ctx.next();
        } else {
          csrf.handle(ctx);
        }
      });

    router.get("/hub/login").handler(ctx -> page(ctx, "login.html"));
    router.post("/hub/login").handler(login::login);
    router.post("/hub/logout").handler(login::logout);
    oidc.mount(router);
    // A link or an image on another site must not log anyone out: GET only shows a form that POSTs.
    router.get("/hub/logout").handler(ctx -> page(ctx, "logout.html"));
    router.get("/hub/home").handler(ctx -> authedPage(ctx, "home.html"));
    router.get("/hub/token").handler(ctx -> authedPage(ctx, "token.html"));
    router.get("/hub/functions").handler(ctx -> authedPage(ctx, "functions.html"));
    router.get("/hub/admin").handler(this::adminPage);
    router.get("/hub/spawn-pending/:name").handler(pending::handle);
    router.get("/hub/spawn-pending/:name/:server").handler(pending::handle);

    jupyterHub.mount(router);
    router.get("/hub/api/user").handler(users::self);
    router.post("/hub/api/users").handler(userAdmin::createMany);
    router.get("/hub/api/users/:name").handler(users::get);
    router.post("/hub/api/users/:name").handler(userAdmin::create);
    router.delete("/hub/api/users/:name").handler(userAdmin::delete);
    router.delete("/hub/api/users/:name/sessions").handler(sessions::endAllOf);
    router.post("/hub/api/users/:name/password").handler(passwords::change);
    router.post("/hub/api/users/:name/tokens").handler(tokens::create);
    router.get("/hub/api/users/:name/tokens").handler(tokens::list);
    router.get("/hub/api/users/:name/tokens/:id").handler(tokens::get);
    router.delete("/hub/api/users/:name/tokens/:id").handler(tokens::delete);
    router.post("/hub/api/users/:name/server").handler(servers::start);
    router.delete("/hub/api/users/:name/server").handler(servers::stop);
    router.get("/hub/api/users/:name/server/progress").handler(progress::handle);
    router.post("/hub/api/users/:name/servers/:server").handler(servers::start);
    router.delete("/hub/api/users/:name/servers/:server").handler(servers::stop);
    router.get("/hub/api/users/:name/servers/:server/progress").handler(progress::handle);
    router.get("/hub/api/users/:name/profiles").handler(servers::profiles);
    router.get("/hub/api/users/:name/usage").handler(requireUserScope(Scopes.READ_USERS, UsageApi.ACCOUNT_ID, usage::get));
    router.get("/hub/api/instances").handler(instances::list);
    router.post("/hub/api/instances/:id/drain").handler(instances::drain);
    router.delete("/hub/api/instances/:id/drain").handler(instances::undrain);
    api.accept(router);
    // An API client gets JSON for a path the API does not have, never a page.
    router.route("/hub/api/*").handler(ctx -> Replies.error(ctx, 404, "no such API path: " + ctx.request().path()));

    router.get("/").handler(ctx -> Replies.redirect(ctx, "/hub/home"));
    router.get("/hub").handler(ctx -> Replies.redirect(ctx, "/hub/home"));
    router.get("/hub/").handler(ctx -> Replies.redirect(ctx, "/hub/home"));

    // A form posted with a stale or missing CSRF token: send the user back to a fresh form.
    router.post("/hub/login").failureHandler(ctx -> {
      if (ctx.statusCode() == 403) {
        Replies.redirect(ctx, "/hub/login?error=expired");
      } else {
        ctx.next();
      }
    });
    // Whatever a handler before the hub's refused (the CSRF check: 403, the body limit: 413)
    // answers in the hub's shape, not as the web router's plain-text page and logged stack trace.
    router.route("/hub/*").failureHandler(HubRoutes::refused);
  }

  private static void refused(RoutingContext ctx) {
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.closed()) {
      return;
    }
    if (response.headWritten()) {
      response.reset();
      return;
    }
    int status = ctx.statusCode() >= 400 ? ctx.statusCode() : 500;
    boolean safe = ctx.request().method() == HttpMethod.GET || ctx.request().method() == HttpMethod.HEAD;
    String message = switch (status) {
      case 403 -> safe ? "forbidden" : "missing or stale XSRF token: echo the XSRF-TOKEN cookie in the X-XSRF-TOKEN header or form field";
      case 413 -> "the request body is too large";
      case 500 -> "internal error";
      default -> response.setStatusCode(status).getStatusMessage();
    };
    if (status >= 500) {
      // The router set X-Request-Id on the request; the log line carries it like the access log's.
      log.atError().addKeyValue("request_id", ctx.request().getHeader("X-Request-Id")).setCause(ctx.failure())
        .log("{} {} failed", ctx.request().method(), ctx.request().path());
    }
    Replies.error(ctx, status, message);
  }

  /** {@code handler}, run only for callers holding {@code scope} (API token or cookie); others get 403 (as JupyterHub), 429 or 503. */
  public Handler<RoutingContext> requireScope(String scope, Handler<RoutingContext> handler) {
    return ctx -> callers.require(ctx, scope, null, caller -> handler.handle(ctx));
  }

  /**
   * {@code handler}, run only for callers holding {@code scope} on the path's user when that account
   * exists; its id goes into the routing context under {@code accountIdKey}.
   */
  public Handler<RoutingContext> requireUserScope(String scope, String accountIdKey, Handler<RoutingContext> handler) {
    return ctx -> callers.requireAccount(ctx, scope, (caller, account) -> {
      ctx.put(accountIdKey, account.id());
      handler.handle(ctx);
    });
  }

  private void page(RoutingContext ctx, String file) {
    ctx.response().putHeader("Cache-Control", "no-store").sendFile(Pages.file(staticDir, file));
  }

  /** The admin page for admins; a 403 page for anyone else signed in. */
  private void adminPage(RoutingContext ctx) {
    Account account = callers.cookieAccount(ctx);
    if (account == null) {
      Replies.redirect(ctx, "/hub/login?next=" + ctx.request().path());
    } else if (!account.admin()) {
      ctx.response().setStatusCode(403);
      page(ctx, "forbidden.html");
    } else {
      page(ctx, "admin.html");
    }
  }

  private void authedPage(RoutingContext ctx, String file) {
    if (callers.cookieAccount(ctx) == null) {
      Replies.redirect(ctx, "/hub/login?next=" + ctx.request().path());
    } else {
      page(ctx, file);
    }
  }
}
