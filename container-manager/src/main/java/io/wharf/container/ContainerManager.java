package io.wharf.container;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * Client side of the container manager: event-bus request/reply to the container manager of
 * one instance. This is all the rest of Wharf sees of Docker.
 */
public interface ContainerManager {

  /** A client for the container manager that runs on {@code instance}. */
  static ContainerManager client(Vertx vertx, String instance, long launchTimeoutMillis) {
    return new ContainerManager() {
      private final DeliveryOptions launchOptions = new DeliveryOptions().setSendTimeout(launchTimeoutMillis);
      private final DeliveryOptions shortOptions = new DeliveryOptions().setSendTimeout(60_000);

      @Override
      public Future<ContainerInfo> launch(LaunchSpec spec) {
        return vertx.eventBus().<JsonObject>request(ContainerAddresses.launch(instance), spec.toJson(), launchOptions)
          .map(msg -> ContainerInfo.fromJson(msg.body()));
      }

      @Override
      public Future<Void> stop(String containerId) {
        return vertx.eventBus().request(ContainerAddresses.stop(instance), new JsonObject().put("id", containerId), shortOptions)
          .mapEmpty();
      }

      @Override
      public Future<List<ContainerInfo>> list() {
        return vertx.eventBus().<JsonObject>request(ContainerAddresses.list(instance), new JsonObject(), shortOptions)
          .map(msg -> {
            JsonArray array = msg.body().getJsonArray("containers", new JsonArray());
            return array.stream().map(o -> ContainerInfo.fromJson((JsonObject) o)).toList();
          });
      }

      private final DeliveryOptions pingOptions = new DeliveryOptions().setSendTimeout(3_000);

      @Override
      public Future<JsonObject> ping() {
        return vertx.eventBus().<JsonObject>request(ContainerAddresses.ping(instance), new JsonObject(), pingOptions)
          .map(msg -> msg.body());
      }

      @Override
      public Future<JsonObject> load() {
        return vertx.eventBus().<JsonObject>request(ContainerAddresses.load(instance), new JsonObject(), pingOptions)
          .map(msg -> msg.body());
      }
    };
  }

  /** Launches a notebook container and completes once it answers its readiness probe. */
  Future<ContainerInfo> launch(LaunchSpec spec);

  /** Stops and removes a container; succeeds when it is already gone. */
  Future<Void> stop(String containerId);

  /** The Wharf-labelled containers of the instance, running or not. */
  Future<List<ContainerInfo>> list();

  /** Whether the instance's Docker engine answers. */
  Future<JsonObject> ping();

  /** The instance's running containers, reserved memory and limits. */
  Future<JsonObject> load();
}
