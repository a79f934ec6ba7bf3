package io.wharf.session;

import com.hazelcast.config.Config;
import com.hazelcast.core.HazelcastInstance;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.wharf.session.account.AccountsFile;
import io.wharf.session.account.AdminAccount;
import io.wharf.session.account.DurableAccounts;
import io.wharf.session.account.DurableGroups;
import io.wharf.session.account.HashingPool;
import io.wharf.session.account.StoredTokenAccess;
import io.wharf.session.account.WriteThroughRevocations;
import io.wharf.session.account.WriteThroughTokens;
import io.wharf.session.hub.HubRoutes;
import io.wharf.session.lifecycle.ContainerManagers;
import io.wharf.session.lifecycle.Lifecycle;
import io.wharf.session.store.HazelcastMaps;
import io.wharf.session.store.JdbcStore;
import io.wharf.session.store.RevocationStore;
import io.wharf.session.store.TokenStore;

import java.util.function.Consumer;

/**
 * The session-manager role: accounts, login, the server lifecycle and the hub's pages and API.
 * Built once at boot; the router mounts its routes.
 */
public final class SessionManager {

  /** Where {@link #requireUserScope} leaves the account id of the path's user, in the routing context. */
  public static final String ACCOUNT_ID = "wharf.account-id";

  private final Lifecycle lifecycle;
  private final HubRoutes hub;
  private final JdbcStore database;

  private SessionManager(Lifecycle lifecycle, HubRoutes hub, JdbcStore database) {
    this.lifecycle = lifecycle;
    this.hub = hub;
    this.database = database;
  }

  /** Adds the shared-state settings to a Hazelcast config before the member starts. */
  public static void configure(Config hazelcastConfig) {
    HazelcastMaps.configure(hazelcastConfig);
  }

  /** The state shared across the cluster {@code hazelcast} belongs to. */
  public static SharedState sharedState(Vertx vertx, HazelcastInstance hazelcast) {
    return HazelcastMaps.sharedState(vertx, hazelcast);
  }

  /** What the router reads about API tokens, over the cluster's token and account caches of {@code state}. */
  public static TokenAccess tokenAccess(SharedState state) {
    return new StoredTokenAccess(state.tokens(), state.accounts());
  }

  /**
   * Boots the role with the container managers reached over the clustered event bus.
   *
   * @param options  as {@link SessionManagerOptions#fromJson} read them at boot
   * @param state    the cluster's shared state ({@link #sharedState})
   * @param cookies  signs and verifies session cookies, shared with the router
   * @param registry where the session manager's meters go
   */
  public static Future<SessionManager> create(Vertx vertx, SessionManagerOptions options, SharedState state, SessionCookies cookies,
                                              MeterRegistry registry) {
    return create(vertx, options, state, cookies, Lifecycle.eventBus(vertx, options.launchTimeoutMillis()), registry);
  }

  /**
   * Boots the role with the given container managers (a fake one in tests). It opens the
   * database ({@code options.store()}), moves a legacy {@code accounts.json} into it, and fills
   * the cluster's account and token caches from it unless another instance already has.
   */
  public static Future<SessionManager> create(Vertx vertx, SessionManagerOptions options, SharedState state, SessionCookies cookies,
                                              ContainerManagers containers, MeterRegistry registry) {
    HashingPool hashing = new HashingPool(vertx, options.limits().hashThreads(), options.limits().hashQueue());
    return JdbcStore.open(vertx, options.store(), options.dataDir())
      .compose(db -> AccountsFile.migrate(vertx, options.dataDir().resolve("accounts.json"), db.accounts())
        .compose(migrated -> Future.all(db.accounts().all(), db.tokens().all(), db.groups().all()))
        // The instance that fills the accounts and tokens fills the groups too.
        .compose(loaded -> state.caches().fillOnce(loaded.resultAt(0), loaded.resultAt(1)).map(filled -> {
          if (filled) {
            new DurableGroups(db.groups(), state.groups()).fill(loaded.resultAt(2));
          }
          return filled;
        }))
        // Revocations only ever add or move later, so every instance may add the database's to the map.
        .compose(filled -> db.revocations().purge(System.currentTimeMillis()))
        .compose(purged -> db.revocations().current(System.currentTimeMillis()))
        .compose(revoked -> state.revocations().fill(revoked))
        .compose(filled -> vertx.executeBlocking(() -> new DurableAccounts(vertx, db.accounts(), db.identities(), state.accounts(),
          state.tokens(), options.passwordIterations(), hashing), false))
        .compose(accounts -> AdminAccount.ensure(accounts, options.adminUser(), options.adminPassword()).map(v -> {
          TokenStore tokens = new WriteThroughTokens(db.tokens(), state.tokens());
          RevocationStore revocations = new WriteThroughRevocations(db.revocations(), state.revocations());
          Lifecycle lifecycle = Lifecycle.create(vertx, state, options, containers, db.homeRemovals(), db.usage(), registry);
          HubRoutes hub = new HubRoutes(vertx, cookies, options.cookieName(), accounts, tokens, revocations, state, lifecycle.servers(),
            options.staticDir(), options.limits(), options.oidc(), options.services(), new DurableGroups(db.groups(), state.groups()));
          return new SessionManager(lifecycle, hub, db);
        })));
  }

  /**
   * {@code handler}, run only for callers that hold {@code scope} through an API token or the
   * session cookie; others get 403 (as JupyterHub), 429 or 503. The router protects {@code /hub/metrics} with it.
   */
  public Handler<RoutingContext> requireScope(String scope, Handler<RoutingContext> handler) {
    return hub.requireScope(scope, handler);
  }

  /**
   * What {@code POST /hub/api/shutdown} runs once it has answered: stopping this instance as a
   * SIGTERM does (notebook servers keep running, to be re-adopted). Unset: the API answers 503.
   */
  public void onShutdown(Runnable stop) {
    hub.onShutdown(stop);
  }

  /** Mounts {@code /hub/...} pages and API on {@code router}. */
  public void mountHub(Router router) {
    hub.mount(router, r -> { });
  }

  /**
   * Mounts the hub with another module's API routes under {@code /hub/api/}: {@code api} adds them
   * after the hub's body and CSRF handling, before its answer to unknown API paths.
   */
  public void mountHub(Router router, Consumer<Router> api) {
    hub.mount(router, api);
  }

  /**
   * {@code handler}, run only for callers that may use {@code scope} on the user the path's
   * {@code name} parameter names, and only when that account exists (404 otherwise); the handler
   * finds the account's id under {@link #ACCOUNT_ID}.
   */
  public Handler<RoutingContext> requireUserScope(String scope, Handler<RoutingContext> handler) {
    return hub.requireUserScope(scope, ACCOUNT_ID, handler);
  }

  /** The durable store, for other modules' tables (their migrations live with this module's). */
  public JdbcStore database() {
    return database;
  }

  /** Re-adopts this instance's running containers after a restart, then starts the periodic duties. */
  public Future<Void> start() {
    return lifecycle.start();
  }
}
