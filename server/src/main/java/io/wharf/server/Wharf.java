package io.wharf.server;

import com.hazelcast.core.HazelcastInstance;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import io.wharf.container.ContainerManagerRole;
import io.wharf.router.RouterRole;
import io.wharf.router.RouterSettings;
import io.wharf.session.CookieSecrets;
import io.wharf.session.SessionCookies;
import io.wharf.session.SessionManager;
import io.wharf.session.SessionManagerOptions;
import io.wharf.session.SharedState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * Boots one Wharf instance: a clustered Vert.x over Hazelcast, then the roles its configuration
 * names (router, session-manager, container-manager; all three by default).
 *
 * <p>Usage: {@code java -jar wharf.jar [--config FILE]}; see conf/wharf.yaml for every setting.
 */
public final class Wharf {

  private static final Logger log = LoggerFactory.getLogger(Wharf.class);

  private Wharf() {
  }

  public static void main(String[] args) throws Exception {
    Path file = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--config") && i + 1 < args.length) {
        file = Path.of(args[++i]);
      }
    }
    if (file == null && System.getenv("WHARF_CONFIG") != null) {
      file = Path.of(System.getenv("WHARF_CONFIG"));
    }
    JsonObject config = WharfConfig.load(file, System.getenv());
    LoggingSetup.apply(config.getJsonObject("logging"), config.getJsonObject("cluster").getJsonArray("members").isEmpty());
    try {
      start(config).toCompletionStage().toCompletableFuture().get();
    } catch (Exception e) {
      System.err.println("wharf: failed to start: " + (e.getCause() != null ? e.getCause() : e));
      System.exit(1);
    }
  }

  static Future<Vertx> start(JsonObject config) {
    JsonObject instance = config.getJsonObject("instance");
    JsonObject cluster = config.getJsonObject("cluster");
    JsonObject router = config.getJsonObject("router");
    JsonObject auth = config.getJsonObject("auth");
    JsonObject containers = config.getJsonObject("containers");
    JsonObject servers = config.getJsonObject("servers");
    String instanceId = instance.getString("id");
    Path dataDir = Path.of(instance.getString("data-dir")).toAbsolutePath();
    Path staticDir = Path.of(router.getString("static-dir", "static")).toAbsolutePath();
    List<String> roles = instance.getJsonArray("roles").stream().map(Object::toString).toList();
    String advertise = cluster.getString("advertise-address", "127.0.0.1");

    JsonObject metricsConfig = config.getJsonObject("metrics");
    PrometheusMeterRegistry registry = MetricsSetup.registry(metricsConfig);
    HazelcastClusterManager clusterManager = new HazelcastClusterManager(HazelcastSetup.config(cluster));
    MicrometerMetricsOptions metrics = MetricsSetup.vertxOptions(metricsConfig);
    VertxOptions options = new VertxOptions()
      .setPreferNativeTransport(instance.getBoolean("native-transport", true))
      .setEventBusOptions(new EventBusOptions().setHost(advertise).setPort(0))
      .setMetricsOptions(metrics);
    return Vertx.builder()
      .with(options)
      .withClusterManager(clusterManager)
      .withMetrics(MetricsSetup.factory(registry, metricsConfig))
      .buildClustered()
      .compose(vertx -> {
        if (options.getPreferNativeTransport() && !vertx.isNativeTransportEnabled()) {
          log.warn("The native transport is not available here ({}); using Java NIO", String.valueOf(vertx.unavailableNativeTransportCause()));
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          try {
            vertx.close().await(java.util.concurrent.TimeUnit.SECONDS.toMillis(20), java.util.concurrent.TimeUnit.MILLISECONDS);
          } catch (Exception ignored) {
            // Exiting anyway.
          }
          LoggingSetup.stop();
        }, "wharf-shutdown"));
        return MetricsSetup.listen(vertx, registry, metricsConfig).compose(listening -> deployRoles(
          vertx, config, clusterManager.getHazelcastInstance(), roles, instanceId, advertise,
          dataDir, staticDir, router, auth, containers, servers, cluster, registry, metricsConfig)).map(vertx);
      });
  }

  private static Future<Void> deployRoles(Vertx vertx, JsonObject config, HazelcastInstance hazelcast, List<String> roles, String instanceId,
                                          String advertise, Path dataDir, Path staticDir, JsonObject router, JsonObject auth,
                                          JsonObject containers, JsonObject servers, JsonObject cluster,
                                          PrometheusMeterRegistry registry, JsonObject metricsConfig) {
    SharedState store = SessionManager.sharedState(vertx, hazelcast);
    SessionManagerOptions sessionOptions;
    try {
      sessionOptions = SessionManagerOptions.fromJson(config);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(new IllegalArgumentException("invalid configuration: " + e.getMessage(), e));
    }
    return vertx.executeBlocking(() -> SessionCookies.create(CookieSecrets.load(auth.getString("cookie-secret"), dataDir),
        Duration.ofSeconds(auth.getLong("cookie-ttl-seconds", 86400L))), false)
      .compose(cookies -> {
        Future<?> containerManager = roles.contains("container-manager")
          ? ContainerManagerRole.deploy(vertx, containers.copy().put("instance-id", instanceId).put("advertise-address", advertise), registry)
          : Future.succeededFuture();
        return containerManager.compose(v -> roles.contains("session-manager")
            ? SessionManager.create(vertx, store, cookies, sessionOptions, registry)
            : Future.<SessionManager>succeededFuture(null))
          .compose(sessions -> {
            Future<Void> adopted = sessions != null ? sessions.start() : Future.succeededFuture();
            return adopted.compose(v -> roles.contains("router")
              ? deployRouter(vertx, router, auth, store, cookies, sessions, dataDir, staticDir, registry, instanceId,
                  HealthHandler.create(vertx, instanceId, roles.contains("container-manager")),
                  MetricsSetup.httpsHandler(registry, metricsConfig, sessions))
              : Future.succeededFuture());
          });
      });
  }

  private static Future<Void> deployRouter(Vertx vertx, JsonObject router, JsonObject auth, SharedState store, SessionCookies cookies,
                                           SessionManager sessions, Path dataDir, Path staticDir, PrometheusMeterRegistry registry,
                                           String instanceId, Handler<RoutingContext> health,
                                           Handler<RoutingContext> metrics) {
    String publicUrl = router.getString("public-url", "");
    Consumer<Router> hub = sessions != null ? sessions::mountHub : r -> { };
    RouterSettings settings = new RouterSettings(instanceId, store.routes(), store.activitySink(), cookies,
      auth.getString("cookie-name", "wharf-session"),
      publicUrl.isBlank() ? null : publicUrl.replaceAll("/+$", ""), staticDir,
      router.getInteger("connect-timeout-ms", 5000), router.getInteger("idle-timeout-seconds", 600),
      router.getInteger("max-connections-per-server", 32), 10_000, hub, health, metrics,
      router.getBoolean("access-log", false), router.getBoolean("trust-request-id", false));
    return RouterRole.deploy(vertx, router, settings, dataDir, registry).onSuccess(v -> {
      int port = router.getInteger("https-port", 8443);
      String url = publicUrl.isBlank() ? "https://localhost:" + port + "/" : publicUrl;
      System.out.println("wharf: instance " + instanceId + " ready at " + url + " (log in as '" + auth.getString("admin-user", "admin") + "')");
    });
  }
}
