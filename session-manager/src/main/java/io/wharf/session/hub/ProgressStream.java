package io.wharf.session.hub;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.wharf.session.Scopes;
import io.wharf.session.ServerRecord;
import io.wharf.session.lifecycle.Progress;
import io.wharf.session.store.ServerStore;

/**
 * {@code GET /hub/api/users/{name}/server/progress} (and {@code …/servers/{server}/progress}):
 * the launch's {@link Progress} events as {@code text/event-stream}, JupyterHub's shape, ending
 * with the final event.
 */
final class ProgressStream {

  private static final long HEARTBEAT_MILLIS = 15_000;

  private final Vertx vertx;
  private final ServerApi servers;
  private final ServerStore store;
  private final Progress progress;

  ProgressStream(Vertx vertx, ServerApi servers, ServerStore store, Progress progress) {
    this.vertx = vertx;
    this.servers = servers;
    this.store = store;
    this.progress = progress;
  }

  void handle(RoutingContext ctx) {
    servers.withServer(ctx, Scopes.READ_SERVERS, (caller, server) -> stream(ctx, ServerRecord.key(ctx.pathParam("name"), server)));
  }

  private void stream(RoutingContext ctx, String key) {
    HttpServerResponse response = ctx.response()
      .putHeader("Content-Type", "text/event-stream")
      .putHeader("Cache-Control", "no-cache")
      .putHeader("X-Accel-Buffering", "no")
      .setChunked(true);
    MessageConsumer<JsonObject> consumer = progress.follow(key);
    long heartbeat = vertx.setPeriodic(HEARTBEAT_MILLIS, id -> response.write(": keep-alive\n\n"));
    Runnable close = () -> {
      consumer.unregister();
      vertx.cancelTimer(heartbeat);
    };
    response.closeHandler(v -> close.run());
    consumer.handler(msg -> send(response, msg.body(), close));
    // On a clustered event bus the subscription reaches the other members asynchronously: read
    // the record only once it is in place, so an event published meanwhile on another member is
    // either seen by the subscription or already in the record.
    consumer.completion().transform(registered -> store.get(key))
      .onComplete(ar -> send(response, Progress.event(ar.succeeded() ? ar.result() : null), close));
  }

  private static void send(HttpServerResponse response, JsonObject event, Runnable close) {
    if (response.ended() || response.closed()) {
      return;
    }
    response.write("data: " + event.encode() + "\n\n");
    if (Progress.isFinal(event)) {
      close.run();
      response.end();
    }
  }
}
