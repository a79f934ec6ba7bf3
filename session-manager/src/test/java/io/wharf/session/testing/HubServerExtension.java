package io.wharf.session.testing;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.wharf.session.Scopes;
import io.wharf.session.Secrets;
import io.wharf.session.SessionCookies;
import io.wharf.session.SessionManager;
import io.wharf.session.SessionManagerOptions;
import io.wharf.session.store.Account;
import io.wharf.session.store.ApiToken;
import io.wharf.session.store.InstanceInfo;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * The hub, in process, for the tests of one class (as Armeria's {@code ServerExtension}): a
 * {@link SessionManager} over an {@link InMemoryState} and a {@link FakeContainerManager},
 * mounted on a Vert.x web router and served over plain HTTP on 127.0.0.1 (TLS is the
 * router's business, not the hub's). A temporary directory holds the data directory
 * (with the embedded database) and a static directory of stand-in pages. {@code GET /hub/metrics}
 * answers {@code metrics} to callers holding {@code read:metrics}, guarded by
 * {@link SessionManager#requireScope} as the router guards the real one.
 *
 * <pre>
 * &#64;RegisterExtension
 * static final HubServerExtension hub = new HubServerExtension();
 * </pre>
 *
 * <p>The server lives for the whole class, so tests give their users distinct names. Before
 * each test the fixture's switches are reset: the store answers, launches neither wait nor fail,
 * every reported instance is reported again healthy and accepting, and the rate limits start afresh.
 */
public final class HubServerExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {

  private static final Duration AWAIT = Duration.ofSeconds(10);

  private final HubOptions options;
  private SessionManagerOptions sessionOptions;
  private Path dir;
  private Vertx vertx;
  private InMemoryState state;
  private FakeContainerManager containers;
  private byte[] secret;
  private SessionCookies cookies;
  private HubClient client;
  private String adminToken;
  private SessionManager hub;

  public HubServerExtension() {
    this(new HubOptions());
  }

  public HubServerExtension(HubOptions options) {
    this.options = options;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    dir = Files.createTempDirectory("wharf-hub-test");
    Path data = Files.createDirectories(dir.resolve("data"));
    Path pages = Files.createDirectories(dir.resolve("static"));
    for (String page : List.of("login", "home", "spawn-pending", "logout", "admin", "token", "functions", "forbidden")) {
      Files.writeString(pages.resolve(page + ".html"), "<!doctype html><title>" + page + "</title>\n");
    }
    vertx = Vertx.vertx();
    state = new InMemoryState();
    containers = new FakeContainerManager();
    secret = Secrets.randomHex(32).getBytes(StandardCharsets.US_ASCII);
    cookies = SessionCookies.create(List.of(secret), Duration.ofHours(1));
    sessionOptions = options.build(data, pages);
    hub = await(SessionManager.create(vertx, sessionOptions, state.shared(), cookies, containers,
      new SimpleMeterRegistry()));
    Router router = Router.router(vertx);
    // A route guarded as the router guards /hub/metrics, mounted before the hub's as there.
    router.get("/hub/metrics").handler(hub.requireScope(Scopes.READ_METRICS, ctx -> ctx.response().end("metrics\n")));
    hub.mountHub(router);
    HttpServer server = await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    client = new HubClient(server.actualPort(), HubOptions.COOKIE, await(OpenApiReplies.load(vertx)));
    adminToken = token(HubOptions.ADMIN, Scopes.INHERIT);
  }

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    if (vertx != null) {
      await(vertx.close());
    }
    if (dir != null) {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(file);
        }
      }
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    state.failing(false);
    state.rateLimits().clear();
    containers.holdLaunches(false).failLaunches(null).dockerUp(true);
    for (InstanceInfo info : await(state.cluster().instances())) {
      reportInstance(info.id(), true);
      await(state.cluster().setDraining(info.id(), false));
    }
  }

  /** What the hub's {@code POST /hub/api/shutdown} runs (the server's boot makes it exit). */
  public void onShutdown(Runnable stop) {
    hub.onShutdown(stop);
  }

  public Vertx vertx() {
    return vertx;
  }

  public InMemoryState state() {
    return state;
  }

  public FakeContainerManager containers() {
    return containers;
  }

  public HubClient client() {
    return client;
  }

  /** The data directory (the embedded database). */
  public Path dataDir() {
    return dir.resolve("data");
  }

  /** A new connection to the hub's embedded database, to look at what it committed; close it. */
  public Connection database() throws SQLException {
    return DriverManager.getConnection(sessionOptions.store().jdbcUrl(dataDir()), "sa", "");
  }

  /** The id of {@code user}'s account as the hub caches it; null when there is none. */
  public String accountId(String user) {
    Account account = state.shared().accounts().account(user);
    return account == null ? null : account.id();
  }

  /** The tokens of {@code user}'s current account in the cache; none when there is no such account. */
  public List<ApiToken> tokensOf(String user) {
    String id = accountId(user);
    return id == null ? List.of() : await(state.shared().tokens().tokensOf(id));
  }

  /** The hub's cookie signer. */
  public SessionCookies cookies() {
    return cookies;
  }

  /** A session cookie signer with the hub's key and another lifetime (a negative one issues expired cookies). */
  public SessionCookies cookies(Duration ttl) {
    return SessionCookies.create(List.of(secret), ttl);
  }

  /** A valid session cookie value for {@code user}, as a login issues it. */
  public String cookie(String user) {
    Account account = state.shared().accounts().account(user);
    return cookies.issue(user, account != null ? account.id() : "no-such-account");
  }

  /** An API token of the initial admin holding every scope ({@code inherit}). */
  public String adminToken() {
    return adminToken;
  }

  /** An API token of {@code user}'s account with these scopes, written straight into the cache; returns its secret. */
  public String token(String user, String... scopes) {
    return token(user, 0, scopes);
  }

  /** An API token of {@code user} that expired a minute ago. */
  public String expiredToken(String user, String... scopes) {
    return token(user, System.currentTimeMillis() - 60_000, scopes);
  }

  private String token(String user, long expiresAt, String... scopes) {
    String value = Secrets.randomHex(32);
    long now = System.currentTimeMillis();
    String id = accountId(user);
    await(state.shared().tokens().saveToken(new ApiToken(value.substring(0, 12), user, id != null ? id : "no-such-account",
      Secrets.sha256Hex(value), Set.of(scopes), "test", now, expiresAt)));
    return value;
  }

  /** The password {@link #user} and {@link #admin} give an account. */
  public static String password(String user) {
    return user + "-password";
  }

  /** Creates a user through the API (as the initial admin); returns the name. */
  public String user(String name) {
    return create(name, false);
  }

  /** Creates an admin through the API; returns the name. */
  public String admin(String name) {
    return create(name, true);
  }

  private String create(String name, boolean admin) {
    client.post("/hub/api/users/" + name).token(adminToken)
      .json(new JsonObject().put("password", password(name)).put("admin", admin)).send().assertStatus(201);
    return name;
  }

  /** Completes the held launch of {@code user}'s server (on an event loop, as a container manager's reply would). */
  public void release(String user, String server) {
    Promise<Boolean> released = Promise.promise();
    vertx.runOnContext(v -> released.complete(containers.release(user, server)));
    if (!await(released.future())) {
      throw new AssertionError("no launch of " + user + "/" + server + " was held");
    }
  }

  /** Reports instance {@code id} (of the local member) as it would report itself, now. */
  public void reportInstance(String id, boolean dockerUp) {
    await(state.cluster().report(new InstanceInfo(id, "127.0.0.1", InMemoryCluster.LOCAL, 0, 0, 100, 0, dockerUp,
      System.currentTimeMillis())));
  }

  /** The result of {@code future}, waiting at most 10 seconds. */
  public static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(AWAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("no answer within " + AWAIT, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
