package io.wharf.router.impl;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.wharf.session.Session;
import io.wharf.session.SessionStore;

/**
 * Finds the authenticated user's running server. The store answers from its near-cache, so this
 * normally completes at once; on a miss the request stays paused until the answer arrives.
 */
final class RouteLookupHandler implements Handler<RoutingContext> {

  static final String ROUTE = "wharf.route";

  private final SessionStore store;

  RouteLookupHandler(SessionStore store) {
    this.store = store;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String user = ctx.get(CookieAuthHandler.USER);
    Future<Session> lookup = store.get(Session.key(user, ""));
    if (lookup.isComplete()) {
      route(ctx, user, lookup);
    } else {
      ctx.request().pause();
      lookup.onComplete(ar -> {
        route(ctx, user, lookup);
        if (ctx.response().ended()) {
          ctx.request().resume();
        }
      });
    }
  }

  private static void route(RoutingContext ctx, String user, Future<Session> lookup) {
    if (lookup.failed()) {
      Requests.json(ctx, 503, "session state unavailable, try again");
      return;
    }
    Session session = lookup.result();
    if (session != null && session.running()) {
      ctx.put(ROUTE, session);
      ctx.next();
    } else if (Requests.isNavigation(ctx.request())) {
      Requests.redirect(ctx, "/hub/spawn-pending/" + user);
    } else {
      ctx.response().putHeader("Retry-After", "5");
      Requests.json(ctx, 503, session == null ? "server not running" : "server is starting");
    }
  }
}
