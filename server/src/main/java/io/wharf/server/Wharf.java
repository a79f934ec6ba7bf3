package io.wharf.server;

import com.hazelcast.core.HazelcastInstance;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import io.wharf.config.WharfConfig;
import io.wharf.container.ContainerManagerRole;
import io.wharf.functions.Functions;
import io.wharf.router.RouterDependencies;
import io.wharf.router.RouterOptions;
import io.wharf.router.RouterRole;
import io.wharf.session.CookieSecrets;
import io.wharf.session.SessionCookies;
import io.wharf.session.SessionManager;
import io.wharf.session.SessionManagerOptions;
import io.wharf.session.SharedState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Boots one Wharf instance: a clustered Vert.x over Hazelcast, then the roles its configuration
 * names (router, session-manager, container-manager; all three by default).
 *
 * <p>Usage: {@code java -jar wharf.jar [--config FILE]}; see conf/wharf.yaml for every setting.
 */
public final class Wharf {

  static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

  static {
    // Hazelcast completes the stages chained on its futures (Bucket4j's rate-limit checks are
    // such chains) on ForkJoinPool's common pool, and when that pool has a parallelism of 1, as
    // on 2 cores, on a new thread for each: a thread started per rate-limited function call,
    // about 300 µs of CPU each (bench/README.md). At least two workers keep it a pool. Set before
    // anything uses the pool; an operator's own -D setting is kept.
    if (System.getProperty(COMMON_POOL_PARALLELISM) == null) {
      System.setProperty(COMMON_POOL_PARALLELISM, Integer.toString(Math.max(2, Runtime.getRuntime().availableProcessors() - 1)));
    }
  }

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
    WharfOptions options;
    try {
      JsonObject config = WharfConfig.load(file, System.getenv());
      options = WharfOptions.fromJson(config);
    } catch (IOException e) {
      System.err.println("wharf: cannot read the configuration: " + e.getMessage());
      System.exit(1);
      return;
    } catch (IllegalArgumentException e) {
      System.err.println("wharf: invalid configuration: " + e.getMessage());
      System.exit(1);
      return;
    }
    try {
      LoggingSetup.apply(options.logging().section(), options.cluster().members().isEmpty());
      start(options).toCompletionStage().toCompletableFuture().get();
    } catch (Exception e) {
      System.err.println("wharf: failed to start: " + (e.getCause() != null ? e.getCause() : e));
      System.exit(1);
    }
  }

  static Future<Vertx> start(WharfOptions options) {
    PrometheusMeterRegistry registry = MetricsSetup.registry(options.metrics());
    HazelcastClusterManager clusterManager = new HazelcastClusterManager(HazelcastSetup.config(options.cluster()));
    VertxOptions vertxOptions = new VertxOptions()
      .setPreferNativeTransport(options.instance().nativeTransport())
      .setEventBusOptions(new EventBusOptions().setHost(options.cluster().advertiseAddress()).setPort(0))
      .setMetricsOptions(MetricsSetup.vertxOptions(options.metrics()));
    return Vertx.builder()
      .with(vertxOptions)
      .withClusterManager(clusterManager)
      .withMetrics(MetricsSetup.factory(registry, options.metrics()))
      .buildClustered()
      .compose(vertx -> {
        if (vertxOptions.getPreferNativeTransport() && !vertx.isNativeTransportEnabled()) {
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
        return MetricsSetup.listen(vertx, registry, options.metrics())
          .compose(listening -> deployRoles(vertx, options, clusterManager.getHazelcastInstance(), registry)).map(vertx);
      });
  }

  /** Each role this instance runs, in order: containers, then sessions (which re-adopt containers), then the router. */
  private static Future<Void> deployRoles(Vertx vertx, WharfOptions options, HazelcastInstance hazelcast, PrometheusMeterRegistry registry) {
    SharedState state = SessionManager.sharedState(vertx, hazelcast);
    InstanceOptions instance = options.instance();
    SessionManagerOptions sessionOptions = options.sessions();
    return vertx.executeBlocking(() -> SessionCookies.create(CookieSecrets.load(sessionOptions.cookieSecret(), sessionOptions.dataDir()),
        sessionOptions.cookieTtl()), false)
      .compose(cookies -> {
        Future<?> containerManager = instance.runs(InstanceOptions.CONTAINER_MANAGER)
          ? ContainerManagerRole.deploy(vertx, options.containers(), options.functionContainers(), registry)
          : Future.succeededFuture();
        return containerManager.compose(v -> instance.runs(InstanceOptions.SESSION_MANAGER)
            ? SessionManager.create(vertx, sessionOptions, state, cookies, registry)
            : Future.<SessionManager>succeededFuture(null))
          .compose(sessions -> {
            if (sessions != null) {
              // POST /hub/api/shutdown: exit as on SIGTERM, through the shutdown hook; containers keep running.
              sessions.onShutdown(() -> new Thread(() -> System.exit(0), "wharf-api-shutdown").start());
            }
            Future<Void> adopted = sessions != null ? sessions.start() : Future.succeededFuture();
            // Functions run with the router, where the session manager (accounts, the durable store) runs too.
            boolean functions = sessions != null && instance.runs(InstanceOptions.ROUTER);
            return adopted.compose(v -> functions ? Functions.create(vertx, options.functions(), sessions, state, hazelcast, registry)
                : Future.<Functions>succeededFuture(null))
              .compose(fns -> instance.runs(InstanceOptions.ROUTER)
                ? deployRouter(vertx, options, state, cookies, sessions, fns, registry)
                : Future.succeededFuture());
          });
      });
  }

  private static Future<Void> deployRouter(Vertx vertx, WharfOptions options, SharedState state, SessionCookies cookies,
                                           SessionManager sessions, Functions functions, PrometheusMeterRegistry registry) {
    Consumer<Router> hub = sessions == null ? r -> { } : functions == null ? sessions::mountHub : r -> {
      // /fn/ first: a call then skips matching the hub's routes (path patterns are regular expressions).
      functions.mountInvocations(r);
      sessions.mountHub(r, functions::mountApi);
    };
    RouterDependencies dependencies = new RouterDependencies(state.routes(), state.activitySink(), cookies, state.revocations(),
      SessionManager.tokenAccess(state), hub,
      HealthHandler.create(vertx, options.instance()), MetricsSetup.httpsHandler(registry, options.metrics(), sessions));
    RouterOptions router = options.router();
    return RouterRole.deploy(vertx, router, dependencies, registry).onSuccess(v -> {
      String url = router.publicOrigin() == null ? "https://localhost:" + router.httpsPort() + "/" : router.publicOrigin() + "/";
      System.out.println("wharf: instance " + options.instance().id() + " ready at " + url
        + " (log in as '" + options.sessions().adminUser() + "')");
    });
  }
}
