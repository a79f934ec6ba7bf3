package io.wharf.server;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.wharf.container.ContainerManager;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Answers the health probes:
 * <ul>
 *   <li>{@code /hub/health/live}: 200 whenever the process serves requests at all;</li>
 *   <li>{@code /hub/health/ready} and {@code /hub/health}: 200 when this instance can do its work,
 *       503 with a JSON reason when it cannot. An instance that runs the container manager is
 *       ready only while its Docker engine answers a ping.</li>
 * </ul>
 * The probes are unauthenticated, so a Docker ping is shared by every probe that arrives within
 * {@value #PING_REUSE_MILLIS} ms: a flood of probes cannot become a flood of Docker calls.
 */
final class HealthHandler implements Handler<RoutingContext> {

  static final long PING_REUSE_MILLIS = 1_000;

  private final String instanceId;
  private final ContainerManager containers;
  private final AtomicReference<Ping> last = new AtomicReference<>();

  /** A ping and when it was sent. */
  private record Ping(long sentAt, Future<JsonObject> result) {
  }

  /** @param containers this instance's container manager; null when it does not run one */
  HealthHandler(String instanceId, ContainerManager containers) {
    this.instanceId = instanceId;
    this.containers = containers;
  }

  static HealthHandler create(Vertx vertx, InstanceOptions instance) {
    return new HealthHandler(instance.id(),
      instance.runs(InstanceOptions.CONTAINER_MANAGER) ? ContainerManager.client(vertx, instance.id(), 60_000) : null);
  }

  @Override
  public void handle(RoutingContext ctx) {
    String probe = ctx.pathParam("probe");
    if ("live".equals(probe)) {
      answer(ctx, 200, status("ok").put("probe", "live"));
    } else if (probe != null && !"ready".equals(probe)) {
      answer(ctx, 404, status("unknown probe").put("probes", "live, ready"));
    } else if (containers == null) {
      answer(ctx, 200, status("ok").put("probe", "ready"));
    } else {
      Context context = Vertx.currentContext();
      ping().onComplete(ar -> context.runOnContext(v -> {
        if (ar.succeeded()) {
          answer(ctx, 200, status("ok").put("probe", "ready").put("docker", "up"));
        } else {
          answer(ctx, 503, status("unavailable").put("probe", "ready").put("docker", "down")
            .put("reason", "Docker engine unavailable: " + ar.cause().getMessage()));
        }
      }));
    }
  }

  private Future<JsonObject> ping() {
    long now = System.currentTimeMillis();
    Ping current = last.get();
    if (current != null && now - current.sentAt() < PING_REUSE_MILLIS) {
      return current.result();
    }
    Promise<JsonObject> result = Promise.promise();
    if (!last.compareAndSet(current, new Ping(now, result.future()))) {
      return last.get().result();
    }
    containers.ping().onComplete(result);
    return result.future();
  }

  private JsonObject status(String status) {
    return new JsonObject().put("status", status).put("instance", instanceId);
  }

  private static void answer(RoutingContext ctx, int code, JsonObject body) {
    ctx.response().setStatusCode(code)
      .putHeader("Content-Type", "application/json")
      .putHeader("Cache-Control", "no-store")
      .end(body.encode());
  }
}
