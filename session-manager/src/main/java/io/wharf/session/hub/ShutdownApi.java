package io.wharf.session.hub;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.wharf.session.Scopes;

/**
 * {@code POST /hub/api/shutdown} ({@code shutdown}): stops this instance cleanly, as a SIGTERM
 * would, once the 202 is sent. Notebook servers keep running, and the instance re-adopts them
 * when it starts again; so {@code "servers": true} is refused (400), as Wharf never stops servers
 * on shutdown. {@code "proxy"} is accepted and changes nothing: the router is part of the instance.
 */
final class ShutdownApi {

  private final Callers callers;
  private volatile Runnable stop;

  ShutdownApi(Callers callers) {
    this.callers = callers;
  }

  /** What stops this instance (the boot sets it); until then the API answers 503. */
  void onShutdown(Runnable action) {
    this.stop = action;
  }

  void shutdown(RoutingContext ctx) {
    callers.require(ctx, Scopes.SHUTDOWN, null, caller -> {
      JsonObject body = UserAdminApi.body(ctx);
      if (body == null) {
        return;
      }
      for (String key : new String[] {"proxy", "servers"}) {
        if (body.containsKey(key) && !(body.getValue(key) instanceof Boolean)) {
          Replies.error(ctx, 400, key + " must be true or false");
          return;
        }
      }
      if (Boolean.TRUE.equals(body.getValue("servers"))) {
        Replies.error(ctx, 400, "Wharf leaves notebook servers running on shutdown and re-adopts them on start; stop them first");
        return;
      }
      Runnable action = stop;
      if (action == null) {
        Replies.error(ctx, 503, "this instance cannot be shut down through the API");
        return;
      }
      ctx.response().endHandler(v -> action.run());
      Replies.json(ctx, 202, new JsonObject().put("message", "Shutting down Hub"));
    });
  }
}
