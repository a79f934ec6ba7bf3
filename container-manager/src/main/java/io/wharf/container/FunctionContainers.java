package io.wharf.container;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Client side of the container manager's function operations, over the event bus: snapshots of a
 * folder of a user's home, and function containers (stopped with {@link ContainerManager#stop}).
 */
public interface FunctionContainers {

  /** A client for the container manager that runs on {@code instance}. */
  static FunctionContainers client(Vertx vertx, String instance, long launchTimeoutMillis) {
    DeliveryOptions launch = new DeliveryOptions().setSendTimeout(launchTimeoutMillis);
    DeliveryOptions snapshot = new DeliveryOptions().setSendTimeout(300_000);
    DeliveryOptions stop = new DeliveryOptions().setSendTimeout(60_000);
    return new FunctionContainers() {
      @Override
      public Future<FunctionContainer> launch(FunctionLaunchSpec spec) {
        return vertx.eventBus().<JsonObject>request(ContainerAddresses.launchFunction(instance), spec.toJson(), launch)
          .map(msg -> FunctionContainer.fromJson(msg.body()));
      }

      @Override
      public Future<FunctionContainer> launchWarm() {
        return vertx.eventBus().<JsonObject>request(ContainerAddresses.launchWarmFunction(instance), new JsonObject(), launch)
          .map(msg -> FunctionContainer.fromJson(msg.body()));
      }

      @Override
      public Future<FunctionContainer> claimWarm(String containerId, FunctionLaunchSpec spec) {
        return vertx.eventBus().<JsonObject>request(ContainerAddresses.claimWarmFunction(instance), spec.toJson().put("id", containerId), launch)
          .map(msg -> FunctionContainer.fromJson(msg.body()));
      }

      @Override
      public Future<String> snapshot(String user, String account, String path) {
        return vertx.eventBus().<JsonObject>request(ContainerAddresses.snapshot(instance),
          new JsonObject().put("user", user).put("account", account).put("path", path), snapshot).map(msg -> msg.body().getString("version"));
      }

      @Override
      public Future<JsonArray> logs(String owner, String function, int lines) {
        return vertx.eventBus().<JsonObject>request(ContainerAddresses.functionLogs(instance),
          new JsonObject().put("owner", owner).put("function", function).put("lines", lines), stop)
          .map(msg -> msg.body().getJsonArray("containers", new JsonArray()));
      }

      @Override
      public Future<java.util.List<ContainerInfo>> leftovers() {
        return vertx.eventBus().<JsonObject>request(ContainerAddresses.functionLeftovers(instance), new JsonObject(), stop)
          .map(msg -> msg.body().getJsonArray("containers", new JsonArray()).stream()
            .map(json -> ContainerInfo.fromJson((JsonObject) json)).toList());
      }

      @Override
      public Future<Void> stop(String containerId) {
        return vertx.eventBus().request(ContainerAddresses.stop(instance), new JsonObject().put("id", containerId), stop).mapEmpty();
      }
    };
  }

  /** Starts a function container serving a snapshot; completes once its runtime answers {@code GET /ready}. */
  Future<FunctionContainer> launch(FunctionLaunchSpec spec);

  /**
   * Starts a generic function container for the warm pool: its runtime listens and loads nothing, and its
   * {@code /snapshots} (read-only) is a directory of its own, empty until it is claimed.
   */
  Future<FunctionContainer> launchWarm();

  /**
   * Gives warm container {@code containerId} the snapshot of {@code spec}, and only that one, and has its runtime load it;
   * completes once it did. A container that is no unclaimed warm container of this instance fails with BAD_REQUEST; a
   * failed load removes the container.
   */
  Future<FunctionContainer> claimWarm(String containerId, FunctionLaunchSpec spec);

  /**
   * Copies {@code path} (a folder relative to the home of {@code user}, whose account id is {@code account}) into an immutable snapshot named by
   * the SHA-256 of its content; fails with BAD_REQUEST when there is no such folder.
   */
  Future<String> snapshot(String user, String account, String path);

  /**
   * The last {@code lines} lines (at most 500, each cut at 2,000 characters) of the output of each of
   * {@code owner}'s {@code function}'s containers on this instance (at most 16):
   * {@code [{"id", "lines": [...]}]}.
   */
  Future<JsonArray> logs(String owner, String function, int lines);

  /**
   * The running function containers an earlier run of this instance left (id, owner in {@code user}, function in
   * {@code server}, the runtime's host and port), handed over once (see {@link ContainerAddresses#functionLeftovers}): the
   * caller removes them with {@link #stop}.
   */
  Future<java.util.List<ContainerInfo>> leftovers();

  /** Stops and removes a function container; succeeds when it is already gone. */
  Future<Void> stop(String containerId);
}
