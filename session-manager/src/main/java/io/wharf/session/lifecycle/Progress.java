package io.wharf.session.lifecycle;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.wharf.session.ServerRecord;

/**
 * The progress protocol of a server's launch: every change of its record is published on the
 * (clustered) event bus at one address per server, as an event in the shape of JupyterHub's
 * progress API: {@code {progress, message}}, and finally {@code ready: true, url} or
 * {@code failed: true}. Whoever follows a launch, on any instance, subscribes here.
 */
public final class Progress {

  private final Vertx vertx;

  public Progress(Vertx vertx) {
    this.vertx = vertx;
  }

  static String address(String key) {
    return "wharf.progress." + key;
  }

  /** The event that tells where {@code record} is now; for no record, that nothing runs. */
  public static JsonObject event(ServerRecord record) {
    if (record == null) {
      return new JsonObject().put("progress", 100).put("failed", true)
        .put("message", "The server is not running. Start it from the home page.");
    }
    JsonObject event = new JsonObject().put("progress", record.progress()).put("message", record.message());
    if (record.running()) {
      event.put("ready", true).put("url", record.url());
    } else if (record.failed()) {
      event.put("failed", true);
    }
    return event;
  }

  /** Whether {@code event} is the last of its launch. */
  public static boolean isFinal(JsonObject event) {
    return event.getBoolean("ready", false) || event.getBoolean("failed", false);
  }

  /** Tells every follower of {@code record}'s server where it is now. */
  public void publish(ServerRecord record) {
    vertx.eventBus().publish(address(record.key()), event(record));
  }

  /** Follows the server {@code key}; the consumer's completion says when the subscription is in place. */
  public MessageConsumer<JsonObject> follow(String key) {
    return vertx.eventBus().consumer(address(key));
  }
}
