package io.wharf.session.hub;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.wharf.session.Scopes;
import io.wharf.session.Secrets;
import io.wharf.session.UserNames;
import io.wharf.session.account.Accounts;
import io.wharf.session.lifecycle.ServerLifecycle;
import io.wharf.session.lifecycle.Usage;
import io.wharf.session.store.Account;
import io.wharf.session.store.NameTakenException;
import io.wharf.session.store.ServerStore;

import java.util.ArrayList;
import java.util.List;

/**
 * Creating and deleting users (admin only), with JupyterHub's paths and shapes:
 * {@code POST /hub/api/users}, {@code POST /hub/api/users/{name}} (Wharf takes the password in
 * the body) and {@code DELETE /hub/api/users/{name}} (ends all the user's login sessions, stops
 * their servers, then deletes the account and its tokens from the database and the cache).
 */
final class UserAdminApi {

  private final Callers callers;
  private final Accounts accounts;
  private final ServerStore servers;
  private final ServerLifecycle lifecycle;
  private final Sessions sessions;

  UserAdminApi(Callers callers, Accounts accounts, ServerStore servers, ServerLifecycle lifecycle, Sessions sessions) {
    this.sessions = sessions;
    this.callers = callers;
    this.accounts = accounts;
    this.servers = servers;
    this.lifecycle = lifecycle;
  }

  /** The body as a JSON object; null (answered 400) when it is not one. An empty body is an empty object. */
  static JsonObject body(RoutingContext ctx) {
    try {
      // No body at all has length -1 (the body handler kept no buffer), not 0.
      Object parsed = ctx.body().length() <= 0 ? new JsonObject() : ctx.body().asJsonObject();
      if (parsed != null) {
        return (JsonObject) parsed;
      }
    } catch (RuntimeException e) {
      // Answered below.
    }
    Replies.error(ctx, 400, "the body must be a JSON object");
    return null;
  }

  /**
   * {@code POST /hub/api/users}: JupyterHub's bulk creation, body {@code {"usernames": [...],
   * "admin": false}}, plus Wharf's optional {@code "password"} for all of them; without one each
   * gets a random password nobody knows (usable through tokens until an admin sets one). 201
   * with the created users; 409 when every one already exists.
   */
  void createMany(RoutingContext ctx) {
    callers.require(ctx, Scopes.ADMIN_USERS, null, caller -> {
      JsonObject body = body(ctx);
      if (body == null) {
        return;
      }
      Object names = body.getValue("usernames");
      if (!(names instanceof JsonArray list) || list.isEmpty()) {
        Replies.error(ctx, 400, "body must be {\"usernames\": [...]}");
        return;
      }
      String password = password(ctx, body, false);
      if (password == null && body.getValue("password") != null) {
        return;
      }
      Boolean admin = flag(ctx, body);
      if (admin == null) {
        return;
      }
      List<String> fresh = new ArrayList<>();
      for (Object name : list) {
        if (!(name instanceof String user) || !UserNames.valid(user)) {
          Replies.error(ctx, 400, "invalid user name: " + name);
          return;
        }
        if (accounts.find(user) == null && !fresh.contains(user)) {
          fresh.add(user);
        }
      }
      if (fresh.isEmpty()) {
        Replies.error(ctx, 409, "all of those users already exist");
        return;
      }
      Future.all(fresh.stream().map(user -> accounts.save(user, password != null ? password : Secrets.randomHex(24), admin)).toList())
        .onSuccess(saved -> Replies.json(ctx, 201, new JsonArray(saved.<Account>list().stream()
          .map(account -> ServerModel.created(account)).toList())))
        .onFailure(err -> saveFailed(ctx, err, "could not save the accounts"));
    });
  }

  /** Creates a user. Body: {@code {"password": "...", "admin": false}}. */
  void create(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    callers.require(ctx, Scopes.ADMIN_USERS, name, caller -> {
      if (!UserNames.valid(name)) {
        Replies.error(ctx, 400, "invalid user name: lower-case letters, digits, '.', '_' and '-', at most 64");
        return;
      }
      JsonObject body = body(ctx);
      String password = body == null ? null : password(ctx, body, true);
      Boolean admin = password == null ? null : flag(ctx, body);
      if (admin == null) {
        return;
      }
      if (accounts.find(name) != null) {
        Replies.error(ctx, 409, "user " + name + " already exists");
        return;
      }
      accounts.save(name, password, admin)
        .onSuccess(account -> Replies.json(ctx, 201, ServerModel.created(account)))
        .onFailure(err -> saveFailed(ctx, err, "could not save the account"));
    });
  }

  /** 409 when another request (perhaps on another instance) created the name first; else 503. */
  private static void saveFailed(RoutingContext ctx, Throwable err, String message) {
    if (err instanceof NameTakenException) {
      Replies.error(ctx, 409, err.getMessage());
    } else {
      Replies.error(ctx, 503, message);
    }
  }

  /** The body's password; null when absent and not required, or when it is refused (answered 400). */
  private static String password(RoutingContext ctx, JsonObject body, boolean required) {
    Object password = body.getValue("password");
    if (password == null && !required) {
      return null;
    }
    if (!(password instanceof String text) || text.length() < 8) {
      Replies.error(ctx, 400, "a password must be a string of at least 8 characters");
      return null;
    }
    return text;
  }

  /** The body's {@code admin} flag, false when absent; null when it is not a boolean (answered 400). */
  private static Boolean flag(RoutingContext ctx, JsonObject body) {
    Object admin = body.getValue("admin", false);
    if (admin instanceof Boolean value) {
      return value;
    }
    Replies.error(ctx, 400, "admin must be true or false");
    return null;
  }

  void delete(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    callers.requireAccount(ctx, Scopes.DELETE_USERS, (caller, account) -> {
      // Sessions end first: if that fails nothing is deleted, and a re-created name never meets
      // a cookie of this account that a router would still take.
      sessions.endAll(account.id())
        .compose(v -> servers.serversOf(name))
        .compose(all -> Future.all(all.stream().map(s -> lifecycle.stop(s.user(), s.server(), Usage.DELETED)).toList()))
        // Recorded before the account goes, so its home volumes are removed even if this instance stops now.
        .compose(v -> lifecycle.homes().schedule(account))
        .compose(v -> accounts.delete(name))
        .compose(v -> lifecycle.homes().removeNow(account))
        .onSuccess(v -> Replies.noContent(ctx))
        .onFailure(err -> Replies.error(ctx, 503, "could not delete " + name + ": " + err.getMessage()));
    });
  }
}
