package io.wharf.session.hub;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.wharf.session.Scopes;
import io.wharf.session.account.Accounts;
import io.wharf.session.store.Account;

/**
 * Reading users, with JupyterHub's paths and shapes: {@code GET /hub/api/user} (the caller,
 * with the scopes its credentials hold) and {@code GET /hub/api/users/{name}}. The list is
 * {@link UserList}'s.
 */
final class UserApi {

  private final Callers callers;
  private final Accounts accounts;
  private final UserModels models;

  UserApi(Callers callers, Accounts accounts, UserModels models) {
    this.callers = callers;
    this.accounts = accounts;
    this.models = models;
  }

  /**
   * {@code GET /hub/api/user}: JupyterHub's request identity, the caller's model (as far as it may
   * read itself) with {@code scopes}, {@code token_id} and {@code session_id}. Any valid credential
   * may ask who it is; a service answers with its service model.
   */
  void self(RoutingContext ctx) {
    callers.authenticated(ctx, caller -> {
      JsonArray scopes = new JsonArray(caller.scopes().stream().sorted().toList());
      if (caller.service()) {
        Replies.json(ctx, 200, new JsonObject().put("kind", "service").put("name", caller.name()).put("admin", false)
          .put("roles", new JsonArray()).put("scopes", scopes).put("token_id", caller.tokenId()).put("session_id", null));
        return;
      }
      models.model(ctx, caller, caller.account())
        .onSuccess(user -> Replies.json(ctx, 200, user.put("scopes", scopes).put("token_id", caller.tokenId())
          .put("session_id", null)))
        .onFailure(err -> Replies.error(ctx, 503, "session state unavailable"));
    });
  }

  void get(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    callers.authenticated(ctx, caller -> {
      Account account = accounts.find(name);
      if (!caller.may(Scopes.READ_USERS, name) && !caller.may(Scopes.READ_USERS_NAME, name)) {
        Replies.error(ctx, 403, "missing scope read:users for " + name);
      } else if (account == null) {
        Replies.error(ctx, 404, "no such user: " + name);
      } else {
        reply(ctx, models.model(ctx, caller, account), 200);
      }
    });
  }

  static void reply(RoutingContext ctx, Future<JsonObject> model, int status) {
    model.onSuccess(user -> Replies.json(ctx, status, user))
      .onFailure(err -> Replies.error(ctx, 503, "session state unavailable"));
  }
}
