package io.wharf.session.impl;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wharf.session.Session;
import io.wharf.session.SharedState;

import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Stops this instance's servers that sat idle too long, and any older than the maximum age.
 * Idle means no request or WebSocket traffic through any router (the routers record it, see
 * {@link SharedState#recordActivity}) <em>and</em> no busy kernel: a long computation with no
 * browser attached is work, not idleness, so before stopping an idle server the culler asks the
 * notebook's {@code /api/kernels} for their execution state.
 */
public final class Culler {

  private static final Logger log = Logger.getLogger(Culler.class.getName());

  private final Vertx vertx;
  private final SharedState state;
  private final ServerLifecycle lifecycle;
  private final String instance;
  private final long idleMillis;
  private final long maxAgeMillis;
  private final HttpClient client;
  private final Counter culledIdle;
  private final Counter culledAge;

  /**
   * @param idleMillis   idle time after which a server is stopped; 0 turns idle culling off
   * @param maxAgeMillis age after which a server is stopped whatever it does; 0 turns it off
   */
  public Culler(Vertx vertx, SharedState state, ServerLifecycle lifecycle, String instance, long idleMillis, long maxAgeMillis,
                MeterRegistry registry) {
    this.vertx = vertx;
    this.state = state;
    this.lifecycle = lifecycle;
    this.instance = instance;
    this.idleMillis = idleMillis;
    this.maxAgeMillis = maxAgeMillis;
    this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(2_000).setKeepAlive(false));
    this.culledIdle = Counter.builder("wharf.culled").tag("reason", "idle").description("Servers stopped by the culler")
      .register(registry);
    this.culledAge = Counter.builder("wharf.culled").tag("reason", "age").description("Servers stopped by the culler")
      .register(registry);
  }

  public void start(long intervalMillis) {
    if (idleMillis > 0 || maxAgeMillis > 0) {
      vertx.setPeriodic(intervalMillis, id -> cull());
    }
  }

  Future<Void> cull() {
    return state.sessionsOn(instance).compose(sessions -> {
      List<Session> running = sessions.stream().filter(Session::running).toList();
      return state.activity(running.stream().map(Session::key).toList())
        .compose(activity -> Future.join(running.stream().map(s -> cull(s, activity)).toList()).mapEmpty());
    }).onFailure(err -> log.warning("culling failed: " + err.getMessage())).mapEmpty();
  }

  private Future<Void> cull(Session session, Map<String, Long> activity) {
    long now = System.currentTimeMillis();
    if (maxAgeMillis > 0 && now - session.startedAt() > maxAgeMillis) {
      return stop(session, "older than " + maxAgeMillis / 1000 + " s", culledAge);
    }
    long last = Math.max(session.lastActivity(), activity.getOrDefault(session.key(), 0L));
    if (idleMillis <= 0 || now - last <= idleMillis) {
      return Future.succeededFuture();
    }
    return busyKernels(session).compose(busy -> {
      if (busy > 0) {
        // Busy counts as activity, so the server is judged idle again only a whole timeout later.
        return state.recordActivity(Map.of(session.key(), now));
      }
      return stop(session, "idle for " + (now - last) / 1000 + " s", culledIdle);
    }, err -> {
      // A notebook that cannot say what its kernels do is not known to be idle: leave it for now.
      log.fine("kernel state of " + session.key() + " unknown: " + err.getMessage());
      return Future.succeededFuture();
    });
  }

  /** How many of the server's kernels are busy, as the notebook reports them. */
  private Future<Integer> busyKernels(Session session) {
    return client.request(new RequestOptions().setMethod(HttpMethod.GET).setHost(session.host()).setPort(session.port())
        .setURI(session.url() + "api/kernels").putHeader("Authorization", "token " + session.token()).setTimeout(5_000))
      .compose(request -> request.send())
      .compose(response -> response.body().map(body -> {
        if (response.statusCode() != 200) {
          throw new IllegalStateException("HTTP " + response.statusCode());
        }
        JsonArray kernels = body.toJsonArray();
        int busy = 0;
        for (Object kernel : kernels) {
          if ("busy".equals(((JsonObject) kernel).getString("execution_state"))) {
            busy++;
          }
        }
        return busy;
      }));
  }

  private Future<Void> stop(Session session, String why, Counter counter) {
    log.info("Culling " + session.key() + ": " + why);
    return lifecycle.stop(session.user(), session.server()).onSuccess(v -> counter.increment());
  }
}
