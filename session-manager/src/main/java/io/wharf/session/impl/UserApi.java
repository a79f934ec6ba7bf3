package io.wharf.session.impl;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.wharf.session.Account;
import io.wharf.session.Accounts;
import io.wharf.session.Scopes;
import io.wharf.session.SessionStore;
import io.wharf.session.UserNames;

import java.util.List;

/**
 * Users, with JupyterHub's paths and shapes: {@code GET /hub/api/user}, {@code GET /hub/api/users/{name}},
 * {@code POST /hub/api/users/{name}} (admin; Wharf takes the password in the body) and
 * {@code DELETE /hub/api/users/{name}} (admin; stops the user's servers first).
 */
final class UserApi {

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
    store.sessionsOf(account.name())
      .onSuccess(sessions -> HubAuth.json(ctx, 200, ServerModel.user(account, sessions)))
      .onFailure(err -> HubAuth.error(ctx, 503, "session state unavailable"));
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
