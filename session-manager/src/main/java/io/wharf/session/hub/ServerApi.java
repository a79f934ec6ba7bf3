package io.wharf.session.hub;

import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.RoutingContext;
import io.wharf.session.Scopes;
import io.wharf.session.UserNames;
import io.wharf.session.account.Accounts;
import io.wharf.session.lifecycle.ProfileChoice;
import io.wharf.session.lifecycle.ServerLifecycle;
import io.wharf.session.lifecycle.StartRefused;
import io.wharf.session.lifecycle.StartRequest;
import io.wharf.session.lifecycle.StartResult;

import java.util.function.BiConsumer;

/**
 * Starting and stopping servers, with JupyterHub's paths and codes:
 * {@code POST/DELETE /hub/api/users/{name}/server} and {@code …/servers/{server}}, and the
 * limit profiles a user may choose, {@code GET /hub/api/users/{name}/profiles}.
 */
final class ServerApi {

  private final Callers callers;
  private final Accounts accounts;
  private final ServerLifecycle lifecycle;

  ServerApi(Callers callers, Accounts accounts, ServerLifecycle lifecycle) {
    this.callers = callers;
    this.accounts = accounts;
    this.lifecycle = lifecycle;
  }

  /** The server a request names: {@code /servers/{server}}, or "" for {@code /server}; null (answered 400) when invalid. */
  static String server(RoutingContext ctx) {
    String server = ctx.pathParam("server");
    if (server == null) {
      return "";
    }
    if (!UserNames.valid(server)) {
      Replies.error(ctx, 400, "invalid server name: lower-case letters, digits, '.', '_' and '-', at most 64");
      return null;
    }
    return server;
  }

  /** Runs {@code action} with the user and server the path names, for a caller holding {@code scope} on that server. */
  void withServer(RoutingContext ctx, String scope, BiConsumer<Scopes.Caller, String> action) {
    String name = ctx.pathParam("name");
    String server = server(ctx);
    if (server == null) {
      return;
    }
    callers.authenticated(ctx, caller -> {
      if (!caller.mayOnServer(scope, name, server)) {
        Replies.error(ctx, 403, "missing scope " + scope + " for " + name + "/" + server);
      } else if (accounts.find(name) == null) {
        Replies.error(ctx, 404, "no such user: " + name);
      } else {
        action.accept(caller, server);
      }
    });
  }

  void start(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    withServer(ctx, Scopes.SERVERS, (caller, server) -> {
      String profile;
      try {
        profile = ProfileChoice.of(ctx.body().buffer(), lifecycle.profiles(), name, admin(caller));
      } catch (StartRefused refused) {
        Replies.error(ctx, refused.status(), refused.getMessage());
        return;
      }
      lifecycle.ensureStarted(name, server, StartRequest.explicit(profile))
        .onSuccess(result -> started(ctx, name, server, result))
        .onFailure(err -> refused(ctx, err));
    });
  }

  private static void started(RoutingContext ctx, String name, String server, StartResult result) {
    switch (result.outcome()) {
      case RUNNING -> Replies.error(ctx, 400, name + (server.isEmpty() ? "" : "'s server " + server) + " is already running");
      case REFUSED -> {
        ctx.response().putHeader("Retry-After", "60");
        Replies.error(ctx, 503, result.server().message());
      }
      default -> Replies.json(ctx, 202, ServerModel.of(result.server()));
    }
  }

  private static void refused(RoutingContext ctx, Throwable err) {
    if (err instanceof StartRefused refused) {
      if (refused.retryAfterSeconds() > 0) {
        ctx.response().putHeader("Retry-After", String.valueOf(refused.retryAfterSeconds()));
      }
      Replies.error(ctx, refused.status(), refused.getMessage());
    } else {
      Replies.error(ctx, 503, "could not start the server: the shared state did not answer");
    }
  }

  void stop(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    withServer(ctx, Scopes.DELETE_SERVERS, (caller, server) -> lifecycle.stop(name, server)
      .onSuccess(v -> Replies.noContent(ctx))
      .onFailure(err -> Replies.error(ctx, 503, "could not stop the server: " + err.getMessage())));
  }

  /** Whether the caller is an admin's (an admin's token or cookie), who may choose admins' profiles. */
  static boolean admin(Scopes.Caller caller) {
    return caller.account() != null && caller.account().admin();
  }

  /** {@code GET /hub/api/users/{name}/profiles}: the limit profiles {@code name}'s servers may be started with. */
  void profiles(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    callers.require(ctx, Scopes.SERVERS, name, caller -> {
      JsonArray list = new JsonArray();
      lifecycle.profiles().availableTo(name, admin(caller)).forEach(p -> list.add(p.toJson()));
      Replies.json(ctx, 200, list);
    });
  }
}
