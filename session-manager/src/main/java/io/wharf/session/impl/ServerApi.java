package io.wharf.session.impl;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.wharf.session.Account;
import io.wharf.session.Scopes;
import io.wharf.session.Session;
import io.wharf.session.SessionStore;
import io.wharf.session.UserNames;

import java.nio.file.Path;

/**
 * Starting and stopping servers: {@code POST/DELETE /hub/api/users/{name}/server}, the
 * progress stream {@code GET /hub/api/users/{name}/server/progress} (JupyterHub's event shape),
 * and the page {@code GET /hub/spawn-pending/{name}} that follows it.
 */
final class ServerApi {

  private static final long HEARTBEAT_MILLIS = 15_000;

  private final Vertx vertx;
  private final HubAuth auth;
  private final SessionStore store;
  private final ServerLifecycle lifecycle;
  private final Path staticDir;

  ServerApi(Vertx vertx, HubAuth auth, SessionStore store, ServerLifecycle lifecycle, Path staticDir) {
    this.vertx = vertx;
    this.auth = auth;
    this.store = store;
    this.lifecycle = lifecycle;
    this.staticDir = staticDir;
  }

  /** The server a request names: {@code /servers/{server}}, or "" for {@code /server}; null when invalid. */
  private static String server(RoutingContext ctx) {
    String server = ctx.pathParam("server");
    if (server == null) {
      return "";
    }
    if (!UserNames.valid(server)) {
      HubAuth.error(ctx, 400, "invalid server name: lower-case letters, digits, '.', '_' and '-', at most 64");
      return null;
    }
    return server;
  }

  void start(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    String server = server(ctx);
    if (server != null) {
      auth.require(ctx, Scopes.SERVERS, name, caller -> {
        String profile;
        try {
          profile = ProfileChoice.of(ctx.body().buffer(), lifecycle.profiles(), name, caller.account().admin());
        } catch (ProfileChoice.Refused refused) {
          HubAuth.error(ctx, refused.status, refused.getMessage());
          return;
        }
        start(ctx, name, server, profile);
      });
    }
  }

  /** {@code GET /hub/api/users/{name}/profiles}: the limit profiles {@code name}'s servers may be started with. */
  void profiles(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    auth.require(ctx, Scopes.SERVERS, name, caller -> {
      JsonArray list = new JsonArray();
      lifecycle.profiles().availableTo(name, caller.account().admin()).forEach(p -> list.add(p.toJson()));
      HubAuth.json(ctx, 200, list);
    });
  }

  private void start(RoutingContext ctx, String name, String server, String profile) {
    store.get(Session.key(name, server)).onComplete(ar -> {
      if (ar.failed()) {
        HubAuth.error(ctx, 503, "session state unavailable");
      } else if (ar.result() != null && ar.result().running()) {
        HubAuth.error(ctx, 400, name + (server.isEmpty() ? "" : "'s server " + server) + " is already running");
      } else {
        lifecycle.start(name, server, profile)
          .onSuccess(s -> {
            if (s.state() == Session.State.FAILED) {
              ctx.response().putHeader("Retry-After", "60");
              HubAuth.error(ctx, 503, s.message());
            } else {
              HubAuth.json(ctx, 202, ServerModel.of(s));
            }
          })
          .onFailure(err -> {
            if (err instanceof ServerLifecycle.QueueFull) {
              ctx.response().putHeader("Retry-After", "30");
              HubAuth.error(ctx, 429, err.getMessage());
            } else if (err instanceof ServerLifecycle.LimitReached) {
              HubAuth.error(ctx, 400, err.getMessage());
            } else {
              HubAuth.error(ctx, 503, "could not start the server: " + err.getMessage());
            }
          });
      }
    });
  }

  void stop(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    String server = server(ctx);
    if (server != null) {
      auth.require(ctx, Scopes.SERVERS, name, caller -> stop(ctx, name, server));
    }
  }

  private void stop(RoutingContext ctx, String name, String server) {
    lifecycle.stop(name, server)
      .onSuccess(v -> ctx.response().setStatusCode(204).end())
      .onFailure(err -> HubAuth.error(ctx, 503, "could not stop the server: " + err.getMessage()));
  }

  void progress(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    String server = server(ctx);
    if (server != null) {
      auth.require(ctx, Scopes.SERVERS, name, caller -> progress(ctx, Session.key(name, server)));
    }
  }

  private void progress(RoutingContext ctx, String key) {
    HttpServerResponse response = ctx.response()
      .putHeader("Content-Type", "text/event-stream")
      .putHeader("Cache-Control", "no-cache")
      .putHeader("X-Accel-Buffering", "no")
      .setChunked(true);
    // Subscribe before reading the record, so no event falls between the two.
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(ServerLifecycle.progressAddress(key));
    long heartbeat = vertx.setPeriodic(HEARTBEAT_MILLIS, id -> response.write(": keep-alive\n\n"));
    Runnable close = () -> {
      consumer.unregister();
      vertx.cancelTimer(heartbeat);
    };
    response.closeHandler(v -> close.run());
    consumer.handler(msg -> send(response, msg.body(), close));
    // On a clustered event bus the subscription reaches the other members asynchronously: read
    // the record only once it is in place, so an event published meanwhile on another member is
    // either seen by the subscription or already in the record.
    consumer.completion().transform(registered -> store.get(key)).onComplete(ar -> {
      Session session = ar.succeeded() ? ar.result() : null;
      JsonObject event = session == null
        ? new JsonObject().put("progress", 100).put("failed", true).put("message", "The server is not running. Start it from the home page.")
        : ServerLifecycle.progressEvent(session);
      send(response, event, close);
    });
  }

  private static void send(HttpServerResponse response, JsonObject event, Runnable close) {
    if (response.ended() || response.closed()) {
      return;
    }
    response.write("data: " + event.encode() + "\n\n");
    if (event.getBoolean("ready", false) || event.getBoolean("failed", false)) {
      close.run();
      response.end();
    }
  }

  void pendingPage(RoutingContext ctx) {
    Account caller = auth.cookieAccount(ctx);
    String name = ctx.pathParam("name");
    String server = server(ctx);
    if (server == null) {
      return;
    }
    if (caller == null) {
      HubAuth.redirect(ctx, "/hub/login?next=" + ctx.request().path());
      return;
    }
    if (!caller.admin() && !caller.name().equals(name)) {
      HubAuth.error(ctx, 403, "not allowed to act on " + name);
      return;
    }
    store.get(Session.key(name, server)).onComplete(ar -> {
      Session session = ar.succeeded() ? ar.result() : null;
      if (ar.failed()) {
        HubAuth.error(ctx, 503, "session state unavailable");
      } else if (session != null && session.running()) {
        HubAuth.redirect(ctx, session.url());
      } else if (session == null) {
        // Like JupyterHub's /hub/spawn: visiting the page starts a server that is not there.
        // A failed one waits for the user's retry instead, so they can read why it failed.
        lifecycle.start(name, server).onComplete(v -> sendPage(ctx));
      } else {
        sendPage(ctx);
      }
    });
  }

  private io.vertx.core.Future<Void> sendPage(RoutingContext ctx) {
    return ctx.response().putHeader("Cache-Control", "no-store").sendFile(staticDir.resolve("spawn-pending.html").toString());
  }
}
