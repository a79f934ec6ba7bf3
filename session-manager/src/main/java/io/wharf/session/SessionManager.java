package io.wharf.session;

import com.hazelcast.config.Config;
import com.hazelcast.core.HazelcastInstance;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.wharf.container.ContainerManager;
import io.wharf.container.LimitProfiles;
import io.wharf.session.impl.HazelcastStore;
import io.wharf.session.impl.SharedAccounts;
import io.wharf.container.ContainerAddresses;
import io.wharf.session.impl.ClusterDuties;
import io.wharf.session.impl.Culler;
import io.wharf.session.impl.HubRoutes;
import io.wharf.session.impl.ServerLifecycle;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.logging.Logger;

/**
 * The session-manager role: accounts, login, the session lifecycle and the hub's pages and API.
 * Built once at boot; the router mounts its routes and shares its store and cookies.
 */
public final class SessionManager {

  private static final Logger log = Logger.getLogger(SessionManager.class.getName());

  private final Accounts accounts;
  private final SessionStore store;
  private final ServerLifecycle lifecycle;
  private final HubRoutes hub;
  private final ClusterDuties duties;
  private final MeterRegistry registry;

  private SessionManager(Accounts accounts, SessionStore store, ServerLifecycle lifecycle, HubRoutes hub, ClusterDuties duties,
                         MeterRegistry registry) {
    this.registry = registry;
    this.accounts = accounts;
    this.store = store;
    this.lifecycle = lifecycle;
    this.hub = hub;
    this.duties = duties;
  }

  /** Adds the shared-state settings to a Hazelcast config before the member starts. */
  public static void configure(Config hazelcastConfig) {
    HazelcastStore.configure(hazelcastConfig);
  }

  /** The state shared across the cluster; the router reads sessions from it. */
  public static SharedState sharedState(Vertx vertx, HazelcastInstance hazelcast) {
    return new HazelcastStore(vertx, hazelcast);
  }

  /**
   * @param auth           the {@code auth} configuration section
   * @param containers     the {@code containers} configuration section (image, ready timeout)
   * @param cluster        the {@code cluster} configuration section (advertise address, lost timeout)
   * @param localContainers whether this instance also runs the container-manager role
   */
  public static Future<SessionManager> create(Vertx vertx, SharedState store, SessionCookies cookies, JsonObject auth,
                                              JsonObject containers, JsonObject servers, JsonObject cluster, boolean localContainers,
                                              String instance, Path dataDir, Path staticDir, MeterRegistry registry) {
    return vertx.executeBlocking(() -> new SharedAccounts(vertx, store, dataDir.resolve("accounts.json"), auth.getInteger("password-iterations", 310_000)), false)
      .compose(accounts -> ensureAdmin(accounts, auth).map(accounts))
      .map(accounts -> {
        long launchTimeout = (containers.getLong("ready-timeout-seconds", 60L) + 60) * 1000;
        ServerLifecycle lifecycle = new ServerLifecycle(vertx, store, instance,
          target -> ContainerManager.client(vertx, target, launchTimeout), containers.getString("image"),
          LimitProfiles.fromJson(containers),
          new ServerLifecycle.Limits(servers.getInteger("concurrent-launches", 4), servers.getInteger("launch-queue", 200),
            servers.getInteger("per-user", 6), servers.getInteger("named-per-user", 5)),
          registry);
        Culler culler = new Culler(vertx, store, lifecycle, instance, servers.getLong("cull-idle-seconds", 3600L) * 1000,
          servers.getLong("cull-max-age-seconds", 0L) * 1000, registry);
        if (localContainers) {
          culler.start(servers.getLong("cull-interval-seconds", 60L) * 1000);
        }
        HubRoutes hub = new HubRoutes(vertx, cookies, accounts, store, lifecycle, auth.getString("cookie-name", "wharf-session"),
          cookies.csrfSecret(), staticDir);
        ClusterDuties duties = new ClusterDuties(vertx, store,
          localContainers ? ContainerManager.client(vertx, instance, launchTimeout) : null, instance,
          cluster.getString("advertise-address", "127.0.0.1"), cluster.getLong("lost-timeout-seconds", 30L) * 1000,
          launchTimeout + 30_000);
        if (localContainers && registry != null) {
          Gauge.builder("wharf.running.servers", duties, ClusterDuties::runningServers).strongReference(true)
            .description("Running notebook servers on this instance, as its container manager last counted them")
            .register(registry);
        }
        if (localContainers) {
          vertx.eventBus().<JsonObject>localConsumer(ContainerAddresses.events(), msg -> {
            if (instance.equals(msg.body().getString("instance"))) {
              lifecycle.onContainerDied(msg.body());
            }
          });
        }
        return new SessionManager(accounts, store, lifecycle, hub, duties, registry);
      });
  }

  private static Future<Void> ensureAdmin(Accounts accounts, JsonObject auth) {
    String name = auth.getString("admin-user", "admin");
    String password = auth.getString("admin-password", "");
    Account existing = accounts.find(name);
    if (existing != null && password.isEmpty()) {
      return Future.succeededFuture();
    }
    boolean generated = password.isEmpty();
    String actual = generated ? HexFormat.of().formatHex(randomBytes()) : password;
    return accounts.save(name, actual, true).map(account -> {
      if (generated) {
        // Printed once: only its hash is kept.
        System.out.println("wharf: created admin account '" + name + "' with password " + actual);
      } else if (existing == null) {
        log.info("Created admin account '" + name + "' from the configured password");
      }
      return null;
    });
  }

  private static byte[] randomBytes() {
    byte[] bytes = new byte[12];
    new SecureRandom().nextBytes(bytes);
    return bytes;
  }

  /** Where this instance's meters live (served at {@code /hub/metrics}). */
  public MeterRegistry meterRegistry() {
    return registry;
  }

  public Accounts accounts() {
    return accounts;
  }

  public SessionStore store() {
    return store;
  }

  /**
   * {@code handler}, run only for callers that hold {@code scope} through an API token or the
   * session cookie; others get 401 or 403. The router protects {@code /hub/metrics} with it.
   */
  public Handler<RoutingContext> requireScope(String scope, Handler<RoutingContext> handler) {
    return hub.requireScope(scope, handler);
  }

  /** Mounts {@code /hub/...} pages and API on {@code router}. */
  public void mountHub(Router router) {
    hub.mount(router);
  }

  /** Re-adopts this instance's running containers after a restart, then starts the cluster duties. */
  public Future<Void> adopt(boolean localContainers) {
    return (localContainers ? lifecycle.adopt() : Future.<Void>succeededFuture()).compose(v -> duties.start());
  }
}
