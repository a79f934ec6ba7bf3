package io.wharf.session.hub;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.wharf.session.HttpReplies;
import io.wharf.session.Scopes;
import io.wharf.session.ServerRecord;
import io.wharf.session.store.ServerStore;

import java.util.Comparator;
import java.util.List;

/**
 * {@code /hub/api/proxy} ({@code proxy} scope). {@code GET} answers the routing table in
 * configurable-http-proxy's shape (route spec, target and data per running server, paginated as
 * JupyterHub pages it). Wharf's routers read their routes from the cluster's shared state
 * themselves, so there is nothing to sync and no proxy to be told about: {@code POST} and
 * {@code PATCH} answer 200 and change nothing.
 */
final class ProxyApi {

  private final Callers callers;
  private final ServerStore servers;

  ProxyApi(Callers callers, ServerStore servers) {
    this.callers = callers;
    this.servers = servers;
  }

  void routes(RoutingContext ctx) {
    callers.require(ctx, Scopes.PROXY, null, caller -> {
      UserList.Page page = UserList.Page.of(ctx);
      if (page == null) {
        return;
      }
      servers.serversIn(ServerRecord.State.RUNNING).onSuccess(running -> {
        List<ServerRecord> sorted = running.stream().sorted(Comparator.comparing(ServerRecord::url)).toList();
        JsonObject table = new JsonObject();
        sorted.stream().skip(page.offset()).limit(page.limit()).forEach(s -> table.put(s.url(), new JsonObject()
          .put("routespec", s.url())
          .put("target", "http://" + s.host() + ":" + s.port())
          .put("data", new JsonObject().put("user", s.user()).put("server_name", s.server())
            .put("instance", s.instance()).put("last_activity", ServerModel.iso(s.lastActivity())))));
        HttpReplies.json(ctx.response(), 200, page.answer(ctx, table, sorted.size()));
      }).onFailure(err -> Replies.error(ctx, 503, "session state unavailable"));
    });
  }

  /** {@code POST} (sync) and {@code PATCH} (a new proxy): nothing to do, as the routers read the shared state. */
  void noOp(RoutingContext ctx) {
    callers.require(ctx, Scopes.PROXY, null, caller -> Replies.json(ctx, 200, new JsonObject()));
  }
}
