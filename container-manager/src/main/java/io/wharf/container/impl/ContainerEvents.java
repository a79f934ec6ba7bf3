package io.wharf.container.impl;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Event;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.wharf.container.ContainerAddresses;
import io.wharf.container.ContainerManagerOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Follows Docker's event stream for this instance's containers and publishes each unexpected
 * death on {@link ContainerAddresses#events()}, so sessions learn of it within a second instead
 * of at the next poll. When the stream ends (the engine restarted or went away) it reconnects
 * after a pause, asking for the events it missed since the last one it saw.
 */
final class ContainerEvents {

  private static final Logger LOG = LoggerFactory.getLogger(ContainerEvents.class);
  private static final long RECONNECT_MILLIS = 2_000;
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private final Vertx vertx;
  private final Context context;
  private final DockerContainers docker;
  private final ContainerManagerOptions options;
  private final Predicate<String> stoppingOnPurpose;
  private long sinceSeconds;
  private Closeable stream;
  private boolean closed;
  private boolean lost;

  /**
   * @param stoppingOnPurpose whether Wharf itself is stopping a container (its death is no news);
   *                          called on this verticle's event loop
   */
  ContainerEvents(Vertx vertx, DockerContainers docker, ContainerManagerOptions options, Predicate<String> stoppingOnPurpose) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.docker = docker;
    this.options = options;
    this.stoppingOnPurpose = stoppingOnPurpose;
  }

  void start() {
    vertx.<Closeable>executeBlocking(() -> docker.followEvents(
        Map.of(LaunchPlan.LABEL_MANAGED, "true", LaunchPlan.LABEL_INSTANCE, options.instanceId()), sinceSeconds, new Callback()), false)
      .onSuccess(s -> {
        if (closed) {
          closeQuietly(s);
        } else {
          stream = s;
          if (lost) {
            lost = false;
            engineChanged(true);
          }
        }
      })
      .onFailure(err -> reconnectLater(err.getMessage()));
  }

  void close() {
    closed = true;
    if (stream != null) {
      Closeable s = stream;
      vertx.executeBlocking(() -> {
        closeQuietly(s);
        return null;
      }, false);
    }
  }

  private void engineChanged(boolean up) {
    vertx.eventBus().publish(ContainerAddresses.engine(options.instanceId()), new JsonObject().put("up", up), LOCAL);
  }

  private void reconnectLater(String why) {
    if (!closed) {
      // The stream ends at once when the engine stops: the quickest sign that it is gone.
      lost = true;
      engineChanged(false);
      LOG.debug("Docker event stream ended ({}); reconnecting", why);
      vertx.setTimer(RECONNECT_MILLIS, id -> start());
    }
  }

  private void onEvent(Event event) {
    if (event.getTime() != null) {
      sinceSeconds = Math.max(sinceSeconds, event.getTime());
    }
    String id = event.getId();
    if (id == null || !"die".equals(event.getAction()) || stoppingOnPurpose.test(id)) {
      return;
    }
    Map<String, String> attributes = event.getActor() == null || event.getActor().getAttributes() == null
      ? Map.of() : event.getActor().getAttributes();
    // A function container is no user's server: its death goes to the functions' pools instead.
    if (DockerFunctions.KIND_FUNCTION.equals(attributes.get(DockerFunctions.LABEL_KIND))) {
      vertx.eventBus().publish(ContainerAddresses.functionEvents(), new JsonObject().put("id", id)
        .put("instance", options.instanceId()).put("owner", attributes.getOrDefault(LaunchPlan.LABEL_OWNER, ""))
        .put("function", attributes.getOrDefault(DockerFunctions.LABEL_FUNCTION, "")));
      return;
    }
    vertx.<Boolean>executeBlocking(() -> docker.inspect(id).map(DockerContainers.Inspection::oomKilled).orElse(false), false)
      .otherwise(false)
      .onSuccess(oom -> {
        String exitCode = attributes.getOrDefault("exitCode", "?");
        String reason = oom
          ? "its container ran out of memory (limit " + memoryLimitMiB(attributes) + " MiB) and was killed"
          : "its container exited with code " + exitCode;
        vertx.eventBus().publish(ContainerAddresses.events(), new JsonObject()
          .put("id", id)
          .put("user", attributes.getOrDefault(LaunchPlan.LABEL_OWNER, ""))
          .put("server", attributes.getOrDefault(LaunchPlan.LABEL_SERVER, ""))
          .put("instance", options.instanceId())
          .put("event", oom ? "oom" : "die")
          .put("exitCode", exitCode)
          .put("oomKilled", oom)
          .put("reason", reason));
      });
  }

  /** The container's memory limit, from the label it was launched with (the actor's attributes carry labels). */
  private long memoryLimitMiB(Map<String, String> attributes) {
    return LaunchPlan.memoryOf(attributes, options.defaultProfile().memoryBytes()) >> 20;
  }

  private static void closeQuietly(Closeable closeable) {
    try {
      closeable.close();
    } catch (Exception ignored) {
      // Closing a stream that already ended.
    }
  }

  /** Runs on docker-java's thread; everything is handed to the verticle's event loop. */
  private final class Callback extends ResultCallback.Adapter<Event> {
    @Override
    public void onNext(Event event) {
      context.runOnContext(v -> onEvent(event));
    }

    @Override
    public void onError(Throwable throwable) {
      context.runOnContext(v -> reconnectLater(String.valueOf(throwable.getMessage())));
    }

    @Override
    public void onComplete() {
      context.runOnContext(v -> reconnectLater("closed by the engine"));
    }
  }
}
