package io.wharf.session.hub;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.wharf.session.Scopes;
import io.wharf.session.ServerRecord;
import io.wharf.session.SharedState;
import io.wharf.session.account.Accounts;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;

/**
 * Changing a user, with JupyterHub's paths and shapes: {@code PATCH /hub/api/users/{name}}
 * ({@code admin}; a new {@code name} is refused, see the README) and
 * {@code POST /hub/api/users/{name}/activity} (what a notebook or service reports of the user's
 * activity: the user's own {@code last_activity}, and each named server's).
 */
final class UserEditApi {

  private final Callers callers;
  private final Accounts accounts;
  private final SharedState state;
  private final UserModels models;

  UserEditApi(Callers callers, Accounts accounts, SharedState state, UserModels models) {
    this.callers = callers;
    this.accounts = accounts;
    this.state = state;
    this.models = models;
  }

  void patch(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    callers.requireAccount(ctx, Scopes.ADMIN_USERS, (caller, account) -> {
      JsonObject body = UserAdminApi.body(ctx);
      if (body == null) {
        return;
      }
      Object admin = body.getValue("admin", account.admin());
      Object newName = body.getValue("name", name);
      if (!body.containsKey("admin") && !body.containsKey("name")) {
        Replies.error(ctx, 400, "give at least one of name and admin");
      } else if (!(admin instanceof Boolean flag)) {
        Replies.error(ctx, 400, "admin must be true or false");
      } else if (!name.equals(newName)) {
        // A name keys routes, cookies and tokens across the cluster; renaming is not offered.
        Replies.error(ctx, 400, "renaming users is not supported: create a new user instead");
      } else if (flag == account.admin()) {
        UserApi.reply(ctx, models.model(ctx, caller, account), 200);
      } else {
        accounts.save(name, null, flag)
          .onSuccess(saved -> UserApi.reply(ctx, models.model(ctx, caller, saved), 200))
          .onFailure(err -> Replies.error(ctx, 503, "could not save the account"));
      }
    });
  }

  /**
   * Body: {@code {"last_activity": ISO, "servers": {NAME: {"last_activity": ISO}}}}, both optional.
   * A time only moves activity forward. 404 for an unknown user, 400 for a server the user does not
   * have or a time that is not ISO 8601.
   */
  void activity(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    callers.requireAccount(ctx, Scopes.USERS_ACTIVITY, (caller, account) -> {
      JsonObject body = UserAdminApi.body(ctx);
      if (body == null) {
        return;
      }
      Map<String, Long> reported = new HashMap<>();
      Object servers = body.getValue("servers", new JsonObject());
      try {
        if (body.getValue("last_activity") != null) {
          reported.put(UserModels.activityKey(name), time(body.getValue("last_activity")));
        }
        if (!(servers instanceof JsonObject each)) {
          throw new IllegalArgumentException("servers must be an object of server names");
        }
        for (String server : each.fieldNames()) {
          Object one = each.getValue(server);
          if (!(one instanceof JsonObject model)) {
            throw new IllegalArgumentException("each server needs {\"last_activity\": ...}");
          }
          reported.put(ServerRecord.key(name, server), time(model.getValue("last_activity")));
        }
      } catch (IllegalArgumentException e) {
        Replies.error(ctx, 400, e.getMessage());
        return;
      }
      state.servers().serversOf(name).compose(have -> {
        for (String key : reported.keySet()) {
          if (!key.equals(UserModels.activityKey(name)) && have.stream().noneMatch(s -> s.key().equals(key))) {
            Replies.error(ctx, 400, "no such server: " + key.substring(name.length() + 1));
            return Future.succeededFuture();
          }
        }
        return state.activity().activity(reported.keySet()).compose(known -> {
          Map<String, Long> later = new HashMap<>();
          reported.forEach((key, at) -> {
            if (at > known.getOrDefault(key, 0L)) {
              later.put(key, at);
            }
          });
          return state.activity().recordActivity(later).onSuccess(v -> Replies.json(ctx, 200, new JsonObject()));
        });
      }).onFailure(err -> Replies.error(ctx, 503, "activity state unavailable"));
    });
  }

  private static long time(Object value) {
    if (!(value instanceof String text)) {
      throw new IllegalArgumentException("last_activity must be an ISO 8601 time");
    }
    try {
      return OffsetDateTime.parse(text).toInstant().toEpochMilli();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("last_activity must be an ISO 8601 time, such as 2019-02-06T12:54:14Z");
    }
  }
}
