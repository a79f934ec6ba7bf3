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
      public Future<List<HomeVolume>> homes() {
        return vertx.eventBus().<JsonObject>request(ContainerAddresses.homes(instance), new JsonObject(), shortOptions)
          .map(msg -> msg.body().getJsonArray("homes", new JsonArray()).stream()
            .map(o -> HomeVolume.fromJson((JsonObject) o)).toList());
      }

      @Override
      public Future<List<String>> removeHomes(String account) {
        return vertx.eventBus().<JsonObject>request(ContainerAddresses.removeHomes(instance),
            new JsonObject().put("account", account), shortOptions)
          .map(msg -> msg.body().getJsonArray("removed", new JsonArray()).stream().map(String.class::cast).toList());
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

  /** The home volumes on the instance's engine. */
  default Future<List<HomeVolume>> homes() {
    return Future.failedFuture(new UnsupportedOperationException("no home volumes here"));
  }

  /**
   * Removes every home volume of {@code account} from the instance's engine; the names removed.
   * Fails when one is still in use (by a container not yet removed), after removing the others.
   */
  default Future<List<String>> removeHomes(String account) {
    return Future.failedFuture(new UnsupportedOperationException("no home volumes here"));
  }
}
