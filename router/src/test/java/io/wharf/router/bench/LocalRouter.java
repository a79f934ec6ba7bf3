package io.wharf.router.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;
import io.wharf.router.RouterDependencies;
import io.wharf.router.RouterOptions;
import io.wharf.router.impl.ActivityRecorder;
import io.wharf.router.impl.HttpsListener;
import io.wharf.router.impl.ProxyTimer;
import io.wharf.router.impl.RouterVerticle;
import io.wharf.router.impl.TlsOptions;
import io.wharf.router.impl.WebSocketGauge;
import io.wharf.session.ServerRecord;
import io.wharf.session.SessionCookies;
import io.wharf.session.SessionManager;
import io.wharf.session.testing.InMemoryState;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;

/**
 * The router alone, for profiling without Docker or the rest of Wharf: the real RouterVerticle
 * on its own event loops over TLS, routing user {@code admin}'s default server to a backend on
 * 127.0.0.1, with in-memory session state. Prints the session cookie to send.
 *
 * <p>Usage: {@code LocalRouter HTTPS_PORT BACKEND_PORT EVENT_LOOPS CERT_PEM KEY_PEM [MAX_CONNECTIONS_PER_SERVER]}
 * (32, as {@code router.max-connections-per-server}).
 */
public final class LocalRouter {

  private LocalRouter() {
  }

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    int backend = Integer.parseInt(args[1]);
    int loops = Integer.parseInt(args[2]);
    int perServer = args.length > 5 ? Integer.parseInt(args[5]) : 32;
    Path data = Files.createTempDirectory("wharf-local-router");
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    SessionCookies cookies = SessionCookies.create(List.of(secret), Duration.ofHours(8));
    InMemoryState state = new InMemoryState();
    long now = System.currentTimeMillis();
    state.servers().put(ServerRecord.pending("admin", "", "local", "token", now, "").ready("c", "127.0.0.1", backend, now))
      .await();
    // As Wharf runs it: the native epoll transport when it is on the class path, as in the server module.
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops).setPreferNativeTransport(true));
    System.err.println("native transport: " + vertx.isNativeTransportEnabled());
    RouterOptions options = new RouterOptions("local", data, "127.0.0.1", port, 0, null, args[3], args[4], loops, 5000, 600, perServer, 5000,
      null, "wharf-session", false, false, 10_000, 0, 0, new RouterOptions.Backend(100_000, 120, false));
    HttpServerOptions tls = TlsOptions.server(options).setHost("127.0.0.1").setPort(port);
    RouterDependencies dependencies = new RouterDependencies(state.shared().routes(), state.shared().activitySink(), cookies,
      key -> state.revocationMap().get(key), SessionManager.tokenAccess(state.shared()), hub -> { }, ctx -> ctx.response().end("ok"), null);
    HttpsListener listener = HttpsListener.create(tls, options);
    WebSocketGauge gauge = WebSocketGauge.register(null);
    ActivityRecorder activity = ActivityRecorder.start(vertx, state.shared().activitySink(), 5000);
    ProxyTimer timer = ProxyTimer.register(null);
    vertx.deployVerticle(() -> new RouterVerticle(options, dependencies, listener, gauge, activity, timer),
      new DeploymentOptions().setInstances(loops)).await();
    System.out.println("wharf-session=" + cookies.issue("admin", "id-admin"));
  }
}
