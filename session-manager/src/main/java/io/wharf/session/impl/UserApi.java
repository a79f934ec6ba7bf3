package io.wharf.session.impl;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.wharf.session.Account;
import io.wharf.session.Accounts;
import io.wharf.session.Scopes;
import io.wharf.session.SessionStore;
import io.wharf.session.UserNames;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.wharf.session.Session;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * Users, with JupyterHub's paths and shapes: {@code GET /hub/api/user}, {@code GET /hub/api/users/{name}},
 * {@code POST /hub/api/users/{name}} (admin; Wharf takes the password in the body) and
 * {@code DELETE /hub/api/users/{name}} (admin; stops the user's servers first).
 */
final class UserApi {

  private static final int MAX_PAGE = 200;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final HubAuth auth;
  private final Accounts accounts;
  private final SessionStore store;
  private final ServerLifecycle lifecycle;

  UserApi(HubAuth auth, Accounts accounts, SessionStore store, ServerLifecycle lifecycle) {
    this.auth = auth;
    this.accounts = accounts;
    this.store = store;
    this.lifecycle = lifecycle;
  }

  void self(RoutingContext ctx) {
    auth.caller(ctx).onComplete(ar -> {
      Scopes.Caller caller = ar.succeeded() ? ar.result() : null;
      if (caller == null) {
        HubAuth.error(ctx, 401, "authentication required");
      } else if (!caller.may(Scopes.READ_USERS, caller.name())) {
        HubAuth.error(ctx, 403, "missing scope read:users");
      } else {
        model(ctx, caller.account());
      }
    });
  }

  void get(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    auth.require(ctx, Scopes.READ_USERS, name, caller -> {
      Account account = accounts.find(name);
      if (account == null) {
        HubAuth.error(ctx, 404, "no such user: " + name);
      } else {
        model(ctx, account);
      }
    });
  }

  private void model(RoutingContext ctx, Account account) {
    model(account)
      .onSuccess(user -> HubAuth.json(ctx, 200, user))
      .onFailure(err -> HubAuth.error(ctx, 503, "session state unavailable"));
  }

  /** The user model, with each server's last activity as the routers observed it. */
  private Future<JsonObject> model(Account account) {
    return store.sessionsOf(account.name()).compose(sessions -> store.activity(sessions.stream().map(Session::key).toList())
      .map(activity -> ServerModel.user(account, sessions.stream()
        .map(s -> s.withActivity(activity.getOrDefault(s.key(), 0L))).toList())));
  }

  /**
   * {@code GET /hub/api/users}: an admin sees every user, anyone else only themself (JupyterHub
   * filters by what the caller may read). Honours {@code offset} and {@code limit}.
   */
  void list(RoutingContext ctx) {
    auth.caller(ctx).onComplete(ar -> {
      Scopes.Caller caller = ar.succeeded() ? ar.result() : null;
      if (ar.failed()) {
        HubAuth.error(ctx, 503, "authentication state unavailable");
        return;
      }
      if (caller == null) {
        HubAuth.error(ctx, 401, "authentication required");
        return;
      }
      if (!caller.may(Scopes.READ_USERS, caller.name())) {
        HubAuth.error(ctx, 403, "missing scope read:users");
        return;
      }
      int offset;
      int limit;
      try {
        offset = Math.max(0, Integer.parseInt(ctx.queryParams().get("offset") == null ? "0" : ctx.queryParams().get("offset")));
        limit = Math.max(1, Math.min(MAX_PAGE, Integer.parseInt(ctx.queryParams().get("limit") == null
          ? String.valueOf(MAX_PAGE) : ctx.queryParams().get("limit"))));
      } catch (NumberFormatException e) {
        HubAuth.error(ctx, 400, "offset and limit must be numbers");
        return;
      }
      List<Account> visible = caller.may(Scopes.READ_USERS, null)
        ? accounts.all().stream().sorted(Comparator.comparing(Account::name)).skip(offset).limit(limit).toList()
        : offset == 0 ? List.of(caller.account()) : List.of();
      Future.all(visible.stream().map(this::model).toList())
        .onSuccess(all -> HubAuth.json(ctx, 200, new JsonArray(all.list())))
        .onFailure(err -> HubAuth.error(ctx, 503, "session state unavailable"));
    });
  }

  /**
   * {@code POST /hub/api/users} (admin): JupyterHub's bulk creation, body
   * {@code {"usernames": [...], "admin": false}}, plus Wharf's optional {@code "password"} for
   * all of them; without one each gets a random password nobody knows (usable through tokens
   * until an admin sets one). 201 with the created users; 409 when every one already exists.
   */
  void createMany(RoutingContext ctx) {
    auth.require(ctx, Scopes.ADMIN_USERS, null, caller -> {
      JsonObject body;
      try {
        body = ctx.body().asJsonObject();
      } catch (RuntimeException e) {
        body = null;
      }
      JsonArray names = body == null ? null : body.getJsonArray("usernames");
      if (names == null || names.isEmpty()) {
        HubAuth.error(ctx, 400, "body must be {\"usernames\": [...]}");
        return;
      }
      String password = body.getString("password");
      if (password != null && password.length() < 8) {
        HubAuth.error(ctx, 400, "a password must have at least 8 characters");
        return;
      }
      List<String> fresh = new ArrayList<>();
      for (Object name : names) {
        if (!(name instanceof String user) || !UserNames.valid(user)) {
          HubAuth.error(ctx, 400, "invalid user name: " + name);
          return;
        }
        if (accounts.find(user) == null && !fresh.contains(user)) {
          fresh.add(user);
        }
      }
      if (fresh.isEmpty()) {
        HubAuth.error(ctx, 409, "all of those users already exist");
        return;
      }
      boolean admin = body.getBoolean("admin", false);
      Future.all(fresh.stream().map(user -> accounts.save(user, password != null ? password : randomPassword(), admin)).toList())
        .onSuccess(saved -> HubAuth.json(ctx, 201, new JsonArray(saved.<Account>list().stream()
          .map(account -> ServerModel.user(account, List.of())).toList())))
        .onFailure(err -> HubAuth.error(ctx, 500, "could not save the accounts"));
    });
  }

  private static String randomPassword() {
    byte[] bytes = new byte[24];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  /** Creates a user. Body: {@code {"password": "...", "admin": false}}. */
  void create(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    auth.require(ctx, Scopes.ADMIN_USERS, name, caller -> {
      if (!UserNames.valid(name)) {
        HubAuth.error(ctx, 400, "invalid user name: lower-case letters, digits, '.', '_' and '-', at most 64");
        return;
      }
      JsonObject body;
      try {
        body = ctx.body().asJsonObject();
      } catch (RuntimeException e) {
        HubAuth.error(ctx, 400, "body must be a JSON object");
        return;
      }
      String password = body == null ? null : body.getString("password");
      if (password == null || password.length() < 8) {
        HubAuth.error(ctx, 400, "a password of at least 8 characters is required");
        return;
      }
      if (accounts.find(name) != null) {
        HubAuth.error(ctx, 409, "user " + name + " already exists");
        return;
      }
      accounts.save(name, password, body.getBoolean("admin", false))
        .onSuccess(account -> HubAuth.json(ctx, 201, ServerModel.user(account, List.of())))
        .onFailure(err -> HubAuth.error(ctx, 500, "could not save the account"));
    });
  }

  void delete(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    auth.require(ctx, Scopes.ADMIN_USERS, name, caller -> {
      if (accounts.find(name) == null) {
        HubAuth.error(ctx, 404, "no such user: " + name);
        return;
      }
      store.sessionsOf(name)
        .compose(sessions -> io.vertx.core.Future.all(sessions.stream().map(s -> lifecycle.stop(s.user(), s.server())).toList()))
        .compose(v -> accounts.delete(name))
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(err -> HubAuth.error(ctx, 503, "could not delete " + name + ": " + err.getMessage()));
    });
  }
}
