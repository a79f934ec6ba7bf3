package io.wharf.session.hub;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.wharf.session.Scopes;
import io.wharf.session.store.ClusterView;
import io.wharf.session.store.InstanceInfo;

import java.util.Comparator;
import java.util.Set;

/**
 * The operator's view of the cluster (admin only): {@code GET /hub/api/instances} (each
 * instance, and {@code safe}: whether one more instance may stop without losing state), and
 * {@code POST/DELETE /hub/api/instances/{id}/drain} to stop or resume placing new servers on an
 * instance. A draining instance keeps serving the servers it has.
 */
final class InstanceApi {

  private final Callers callers;
  private final ClusterView cluster;

  InstanceApi(Callers callers, ClusterView cluster) {
    this.callers = callers;
    this.cluster = cluster;
  }

  void list(RoutingContext ctx) {
    callers.require(ctx, Scopes.ADMIN_USERS, null, caller -> list(ctx, caller));
  }

  private void list(RoutingContext ctx, Scopes.Caller caller) {
    cluster.instances().compose(reports -> cluster.draining().compose(draining -> cluster.safe().map(safe -> {
      Set<String> live = cluster.liveMembers();
      String leader = cluster.leaderMember();
      JsonArray array = new JsonArray();
      reports.stream().sorted(Comparator.comparing(InstanceInfo::id))
        .forEach(info -> array.add(json(info, draining, live, leader)));
      return new JsonObject().put("instances", array).put("safe", safe);
    }))).onSuccess(body -> Replies.json(ctx, 200, body))
      .onFailure(err -> Replies.error(ctx, 503, "cluster state unavailable"));
  }

  void drain(RoutingContext ctx) {
    set(ctx, true);
  }

  void undrain(RoutingContext ctx) {
    set(ctx, false);
  }

  private void set(RoutingContext ctx, boolean draining) {
    callers.require(ctx, Scopes.ADMIN_USERS, null, caller -> set(ctx, caller, draining));
  }

  private void set(RoutingContext ctx, Scopes.Caller caller, boolean draining) {
    String id = ctx.pathParam("id");
    cluster.instances().compose(reports -> {
      InstanceInfo info = reports.stream().filter(r -> r.id().equals(id)).findFirst().orElse(null);
      if (info == null) {
        Replies.error(ctx, 404, "no such instance: " + id);
        return Future.succeededFuture();
      }
      return cluster.setDraining(id, draining).compose(v -> cluster.draining()).onSuccess(now ->
        Replies.json(ctx, 200, json(info, now, cluster.liveMembers(), cluster.leaderMember())));
    }).onFailure(err -> Replies.error(ctx, 503, "cluster state unavailable"));
  }

  static JsonObject json(InstanceInfo info, Set<String> draining, Set<String> live, String leader) {
    return new JsonObject()
      .put("id", info.id())
      .put("address", info.address())
      .put("state", draining.contains(info.id()) ? "draining" : "accepting")
      .put("leader", info.member().equals(leader))
      .put("alive", live.contains(info.member()))
      .put("docker", info.dockerUp())
      .put("running", info.running())
      .put("memory_reserved", info.memoryReserved())
      .put("max_containers", info.maxContainers())
      .put("max_memory", info.maxMemory())
      .put("reported", ServerModel.iso(info.reportedAt()));
  }
}
