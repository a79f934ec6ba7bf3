package io.wharf.session.impl;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.wharf.session.Account;
import io.wharf.session.Accounts;
import io.wharf.session.SessionStore;
import io.wharf.session.UserNames;

/** {@code GET /hub/api/user}, {@code GET /hub/api/users/{name}} and {@code POST /hub/api/users/{name}}. */
final class UserApi {

  private final HubAuth auth;
  private final Accounts accounts;
  private final SessionStore store;

  UserApi(HubAuth auth, Accounts accounts, SessionStore store) {
    this.auth = auth;
    this.accounts = accounts;
    this.store = store;
  }

  void self(RoutingContext ctx) {
    Account caller = auth.caller(ctx);
    if (caller == null) {
      HubAuth.error(ctx, 401, "authentication required");
      return;
    }
    model(ctx, caller);
  }

  void get(RoutingContext ctx) {
    Account caller = auth.caller(ctx);
    String name = ctx.pathParam("name");
    if (caller == null) {
      HubAuth.error(ctx, 401, "authentication required");
    } else if (!HubAuth.mayActOn(caller, name)) {
      HubAuth.error(ctx, 403, "not allowed to read " + name);
    } else {
      Account account = accounts.find(name);
      if (account == null) {
        HubAuth.error(ctx, 404, "no such user: " + name);
      } else {
        model(ctx, account);
      }
    }
  }

  private void model(RoutingContext ctx, Account account) {
    store.sessionsOf(account.name())
      .onSuccess(sessions -> HubAuth.json(ctx, 200, ServerModel.user(account, sessions)))
      .onFailure(err -> HubAuth.error(ctx, 503, "session state unavailable"));
  }

  /** Creates a user (admin only). Body: {@code {"password": "...", "admin": false}}. */
  void create(RoutingContext ctx) {
    Account caller = auth.caller(ctx);
    String name = ctx.pathParam("name");
    if (caller == null) {
      HubAuth.error(ctx, 401, "authentication required");
      return;
    }
    if (!caller.admin()) {
      HubAuth.error(ctx, 403, "only admins create users");
      return;
    }
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
      .onSuccess(account -> store.sessionsOf(name).onComplete(ar -> HubAuth.json(ctx, 201, ServerModel.user(account, java.util.List.of()))))
      .onFailure(err -> HubAuth.error(ctx, 500, "could not save the account"));
  }
}
