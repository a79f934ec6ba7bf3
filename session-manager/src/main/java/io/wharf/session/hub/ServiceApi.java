package io.wharf.session.hub;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.wharf.session.Scopes;

/**
 * {@code GET /hub/api/services} ({@code list:services}: names; {@code read:services}: models) and
 * {@code GET /hub/api/services/{name}} ({@code read:services}).
 */
final class ServiceApi {

  private final Callers callers;
  private final Services services;

  ServiceApi(Callers callers, Services services) {
    this.callers = callers;
    this.services = services;
  }

  void list(RoutingContext ctx) {
    callers.authenticated(ctx, caller -> {
      if (!caller.may(Scopes.LIST_SERVICES) && !caller.may(Scopes.READ_SERVICES)) {
        Replies.error(ctx, 403, "missing scope list:services");
        return;
      }
      JsonArray list = new JsonArray();
      services.all().forEach(s -> list.add(caller.may(Scopes.READ_SERVICES) ? s.model()
        : new JsonObject().put("kind", "service").put("name", s.options().name())));
      Replies.json(ctx, 200, list);
    });
  }

  void get(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    callers.require(ctx, Scopes.READ_SERVICES, null, caller -> services.all().stream()
      .filter(s -> s.options().name().equals(name)).findFirst()
      .ifPresentOrElse(s -> Replies.json(ctx, 200, s.model()), () -> Replies.error(ctx, 404, "no such service: " + name)));
  }
}
