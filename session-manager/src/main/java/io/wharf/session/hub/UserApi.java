package io.wharf.session.hub;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.wharf.session.Scopes;
import io.wharf.session.ServerRecord;
import io.wharf.session.SharedState;
import io.wharf.session.account.Accounts;
import io.wharf.session.store.Account;

import java.util.Comparator;
import java.util.List;

/**
 * Reading users, with JupyterHub's paths and shapes: {@code GET /hub/api/user},
 * {@code GET /hub/api/users} and {@code GET /hub/api/users/{name}}.
 */
final class UserApi {

  private static final int MAX_PAGE = 200;

  private final Callers callers;
  private final Accounts accounts;
  private final SharedState state;

  UserApi(Callers callers, Accounts accounts, SharedState state) {
    this.callers = callers;
    this.accounts = accounts;
    this.state = state;
  }

  void self(RoutingContext ctx) {
    callers.authenticated(ctx, caller -> {
      if (caller.may(Scopes.READ_USERS, caller.name())) {
        model(ctx, caller.account());
      } else {
        Replies.error(ctx, 403, "missing scope read:users");
      }
    });
  }

  void get(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    callers.require(ctx, Scopes.READ_USERS, name, caller -> {
      Account account = accounts.find(name);
      if (account == null) {
        Replies.error(ctx, 404, "no such user: " + name);
      } else {
        model(ctx, account);
      }
    });
  }

  private void model(RoutingContext ctx, Account account) {
    model(account)
      .onSuccess(user -> Replies.json(ctx, 200, user))
      .onFailure(err -> Replies.error(ctx, 503, "session state unavailable"));
  }

  /** The user model, with each server's last activity as the routers observed it. */
  private Future<JsonObject> model(Account account) {
    return state.servers().serversOf(account.name())
      .compose(servers -> state.activity().activity(servers.stream().map(ServerRecord::key).toList())
        .map(activity -> ServerModel.user(account, servers.stream()
          .map(s -> s.withActivity(activity.getOrDefault(s.key(), 0L))).toList())));
  }

  /**
   * {@code GET /hub/api/users}: an admin sees every user, anyone else only themself (JupyterHub
   * filters by what the caller may read). Honours {@code offset} and {@code limit}.
   */
  void list(RoutingContext ctx) {
    callers.authenticated(ctx, caller -> {
      if (!caller.may(Scopes.READ_USERS, caller.name())) {
        Replies.error(ctx, 403, "missing scope read:users");
        return;
      }
      int offset;
      int limit;
      try {
        offset = Math.max(0, intParam(ctx, "offset", 0));
        limit = Math.max(1, Math.min(MAX_PAGE, intParam(ctx, "limit", MAX_PAGE)));
      } catch (NumberFormatException e) {
        Replies.error(ctx, 400, "offset and limit must be numbers");
        return;
      }
      List<Account> visible = caller.may(Scopes.READ_USERS, null)
        ? accounts.all().stream().sorted(Comparator.comparing(Account::name)).skip(offset).limit(limit).toList()
        : offset == 0 ? List.of(caller.account()) : List.of();
      Future.all(visible.stream().map(this::model).toList())
        .onSuccess(all -> Replies.json(ctx, 200, new JsonArray(all.list())))
        .onFailure(err -> Replies.error(ctx, 503, "session state unavailable"));
    });
  }

  private static int intParam(RoutingContext ctx, String name, int fallback) {
    String value = ctx.queryParams().get(name);
    return value == null ? fallback : Integer.parseInt(value);
  }
}
