package io.wharf.session.impl;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.wharf.container.ContainerInfo;
import io.wharf.container.ContainerManager;
import io.wharf.container.LaunchSpec;
import io.wharf.session.Session;
import io.wharf.session.SessionStore;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Starts, stops and re-adopts users' servers. The session record is the single source of truth:
 * a start claims the key with a PENDING record (so concurrent logins launch one container), and
 * every step publishes a progress event at {@link #progressAddress(String)}.
 */
public final class ServerLifecycle {

  private static final Logger log = Logger.getLogger(ServerLifecycle.class.getName());

  private final Vertx vertx;
  private final SessionStore store;
  private final String instance;
  private final Function<String, ContainerManager> containerManagers;
  private final String image;
  private final SecureRandom random = new SecureRandom();

  public ServerLifecycle(Vertx vertx, SessionStore store, String instance,
                         Function<String, ContainerManager> containerManagers, String image) {
    this.vertx = vertx;
    this.store = store;
    this.instance = instance;
    this.containerManagers = containerManagers;
    this.image = image;
  }

  /** Event-bus address where progress of the server {@code key} is published as JSON. */
  public static String progressAddress(String key) {
    return "wharf.progress." + key;
  }

  /** Progress event in the shape of JupyterHub's progress API. */
  public static JsonObject progressEvent(Session session) {
    JsonObject event = new JsonObject().put("progress", session.progress()).put("message", session.message());
    if (session.state() == Session.State.RUNNING) {
      event.put("ready", true).put("url", session.url());
    } else if (session.state() == Session.State.FAILED) {
      event.put("failed", true);
    }
    return event;
  }

  /** Starts the server unless it runs or is starting; completes with the current record at once. */
  public Future<Session> start(String user, String server) {
    Session pending = Session.pending(user, server, instance, newToken(), System.currentTimeMillis());
    return store.putIfAbsent(pending).compose(existing -> {
      if (existing == null) {
        launch(pending);
        return Future.succeededFuture(pending);
      }
      if (existing.state() == Session.State.FAILED) {
        return store.replace(existing, pending).compose(replaced -> {
          if (replaced) {
            launch(pending);
            return Future.succeededFuture(pending);
          }
          return store.get(pending.key());
        });
      }
      return Future.succeededFuture(existing);
    });
  }

  private void launch(Session pending) {
    Session launching = pending.progressed(30, "Launching container");
    store.put(launching).onSuccess(v -> publish(launching));
    LaunchSpec spec = new LaunchSpec(pending.user(), pending.server(), image, pending.token(), pending.url());
    containerManagers.apply(pending.instance()).launch(spec)
      .onSuccess(info -> onLaunched(pending, info))
      .onFailure(err -> {
        String reason = err instanceof ReplyException ? err.getMessage() : "launch failed: " + err.getMessage();
        log.warning("Launch of " + pending.key() + " failed: " + reason);
        Session failed = launching.failed(reason);
        store.put(failed).onComplete(v -> publish(failed));
      });
  }

  private void onLaunched(Session pending, ContainerInfo info) {
    Session ready = pending.ready(info.id(), info.host(), info.port(), System.currentTimeMillis());
    store.get(pending.key()).compose(current -> {
      if (current == null || !pending.token().equals(current.token())) {
        // Stopped or replaced while launching: this container belongs to nobody.
        return containerManagers.apply(pending.instance()).stop(info.id());
      }
      return store.put(ready).onSuccess(v -> publish(ready));
    }).onFailure(err -> log.log(Level.WARNING, "Could not record " + pending.key() + " as ready", err));
  }

  /** Stops the server and forgets it; succeeds when there was nothing to stop. */
  public Future<Void> stop(String user, String server) {
    String key = Session.key(user, server);
    return store.get(key).compose(session -> {
      if (session == null) {
        return Future.succeededFuture();
      }
      Future<Void> stopped = session.containerId() == null
        ? Future.succeededFuture()
        : containerManagers.apply(session.instance()).stop(session.containerId());
      return stopped.compose(v -> store.remove(key));
    });
  }

  /**
   * Rebuilds the records of this instance's containers after a restart: running ones become
   * RUNNING sessions again, stopped ones are removed. Records whose container is gone are dropped.
   */
  public Future<Void> adopt() {
    ContainerManager containers = containerManagers.apply(instance);
    return containers.list().compose(list -> {
      List<Future<?>> steps = list.stream().map(info -> {
        if (!info.running()) {
          return containers.stop(info.id());
        }
        Session session = new Session(info.user(), info.server(), Session.State.RUNNING, instance, info.id(),
          info.host(), info.port(), info.token(), System.currentTimeMillis(), System.currentTimeMillis(), 100, "Server ready");
        log.info("Re-adopted " + session.key() + " in container " + info.id().substring(0, 12));
        return store.put(session);
      }).<Future<?>>map(f -> f).toList();
      return Future.join(steps).compose(v -> dropOrphans(list));
    });
  }

  private Future<Void> dropOrphans(List<ContainerInfo> live) {
    return store.sessionsOn(instance).compose(sessions -> Future.join(sessions.stream()
      .filter(s -> s.running() && live.stream().noneMatch(c -> c.running() && c.id().equals(s.containerId())))
      .map(s -> store.remove(s.key()))
      .toList())).mapEmpty();
  }

  private void publish(Session session) {
    vertx.eventBus().publish(progressAddress(session.key()), progressEvent(session));
  }

  private String newToken() {
    byte[] bytes = new byte[24];
    random.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
