package io.wharf.router.impl;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.wharf.router.RouterDependencies;
import io.wharf.router.RouterOptions;
import io.wharf.session.ActivitySink;
import io.wharf.session.ServerRecord;
import io.wharf.session.Secrets;
import io.wharf.session.SessionCookies;
import io.wharf.session.SessionManager;
import io.wharf.session.store.Account;
import io.wharf.session.store.AccountStore;
import io.wharf.session.store.ApiToken;
import io.wharf.session.testing.InMemoryState;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The real {@link RouterVerticle} in process, over HTTPS on 127.0.0.1 with {@link TlsOptions}'
 * server options and a self-signed certificate: routes from session-manager's in-memory state (behind a
 * table that can answer late, as a near-cache miss does), cookies signed with a test secret,
 * and two notebook stand-ins. No Docker, no Hazelcast. Started once per test class; each test
 * starts from an empty route table.
 */
final class RouterExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {

  static final String COOKIE = "wharf-session";
  static final String INSTANCE = "test-instance";
  private static final long FLUSH_MILLIS = 20;
  private static final int TIMEOUT_SECONDS = 5;
  /** Connections to a container per event loop (one event loop), for each proxy path. */
  static final int MAX_CONNECTIONS_PER_SERVER = 4;
  /** The router's cap of WebSockets per server. */
  static final int MAX_WEBSOCKETS = 250;
  /** How long the router waits for a container to start answering. */
  static final int RESPONSE_TIMEOUT_SECONDS = 2;

  /** A response as the client received it. */
  record Reply(HttpVersion version, int status, MultiMap headers, Buffer body) {
    String header(String name) {
      return headers.get(name);
    }

    JsonObject json() {
      return body.toJsonObject();
    }
  }

  private final byte[] secret = new byte[32];
  // As shipped, unless a test class asks otherwise; 0: no limit.
  private long headerTimeoutMillis = 10_000;
  private int connectionsPerAddress;
  private long tlsReloadMillis;
  private Path[] certificate;
  private final LateRoutes routes = new LateRoutes();
  private final WebSocketGauge webSocketGauge = WebSocketGauge.register(null);
  private final MeterRegistry registry = new SimpleMeterRegistry();
  private volatile InMemoryState state;
  private SessionCookies cookies;
  private Vertx vertx;
  private Path dataDir;
  private int port;
  private FakeNotebook notebook;
  private FakeNotebook lab;
  // Held in fields: Vert.x closes a client once nothing references it.
  private HttpClient client;
  private HttpClient http2;
  private WebSocketClient webSockets;
  private final List<HttpClientAgent> ownClients = new java.util.concurrent.CopyOnWriteArrayList<>();

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    new SecureRandom().nextBytes(secret);
    cookies = SessionCookies.create(List.of(secret), Duration.ofHours(1));
    vertx = Vertx.vertx();
    dataDir = Files.createTempDirectory("wharf-router-test");
    port = freePort();
    Path[] pem = certificate(dataDir);
    certificate = pem;
    // Built directly rather than from the configuration: activity is flushed every 20 ms, below
    // the configuration's one-second steps, so that tests need not wait.
    RouterOptions options = new RouterOptions(INSTANCE, dataDir, "127.0.0.1", port, 0, null, pem[0].toString(), pem[1].toString(),
      1, 2000, 30, MAX_CONNECTIONS_PER_SERVER, FLUSH_MILLIS, null, COOKIE, false, false, headerTimeoutMillis, connectionsPerAddress,
      tlsReloadMillis, new RouterOptions.Backend(MAX_WEBSOCKETS, RESPONSE_TIMEOUT_SECONDS, false));
    HttpServerOptions tls = TlsOptions.server(options).setHost(options.host()).setPort(options.httpsPort());
    // Read at each flush, so activity lands in the state of the test that is running.
    ActivitySink activity = batch -> state.shared().activitySink().recordActivity(batch);
    RouterDependencies dependencies = new RouterDependencies(routes, activity, cookies,
      key -> state.revocationMap().get(key), hash -> routes.later(SessionManager.tokenAccess(state.shared()).grant(hash)),
      hub -> { }, ctx -> ctx.response().end("ok"), null);
    await(vertx.deployVerticle(new RouterVerticle(options, dependencies, HttpsListener.create(tls, options), webSocketGauge,
      ActivityRecorder.start(vertx, activity, FLUSH_MILLIS), ProxyTimer.register(registry))));
    notebook = await(FakeNotebook.start(vertx, "default"));
    lab = await(FakeNotebook.start(vertx, "lab"));
    client = vertx.createHttpClient(new HttpClientOptions().setSsl(true).setTrustAll(true).setVerifyHost(false)
      .setDefaultHost("127.0.0.1").setDefaultPort(port));
    http2 = vertx.createHttpClient(new HttpClientOptions().setSsl(true).setTrustAll(true).setVerifyHost(false)
      .setUseAlpn(true).setProtocolVersion(HttpVersion.HTTP_2).setDefaultHost("127.0.0.1").setDefaultPort(port));
    // Above the router's cap, so that tests can open that many at once (the default is 50).
    webSockets = vertx.createWebSocketClient(new WebSocketClientOptions().setSsl(true).setTrustAll(true).setVerifyHost(false)
      .setMaxConnections(2 * MAX_WEBSOCKETS));
  }

  /** The request-header timeout, for a test class of its own. */
  RouterExtension headerTimeout(long millis) {
    headerTimeoutMillis = millis;
    return this;
  }

  /** How often the certificate files are checked for a change (0, as by default here: never), for a test class of its own. */
  RouterExtension tlsReload(long millis) {
    tlsReloadMillis = millis;
    return this;
  }

  /** The PEM files of the router's certificate and key. */
  Path[] certificateFiles() {
    return certificate.clone();
  }

  /** The connections allowed per client address, for a test class of its own. */
  RouterExtension connectionsPerAddress(int max) {
    connectionsPerAddress = max;
    return this;
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    state = new InMemoryState();
    routes.table = state.shared().routes();
    routes.delayMillis = 0;
    routes.late.set(0);
    notebook.clear();
    lab.clear();
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    await(vertx.close());
    try (Stream<Path> files = Files.walk(dataDir)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
  }

  /**
   * A fresh self-signed certificate and its key, as PEM files. The key is EC: the RSA key of
   * TlsOptions' development certificate takes from half a second to several seconds to generate.
   */
  private static Path[] certificate(Path dir) throws Exception {
    SelfSignedCertificate generated = new SelfSignedCertificate("localhost", "EC", 256);
    try {
      Path cert = Files.copy(generated.certificate().toPath(), dir.resolve("cert.pem"));
      Path key = Files.copy(generated.privateKey().toPath(), dir.resolve("key.pem"));
      return new Path[] {cert, key};
    } finally {
      generated.delete();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  FakeNotebook notebook() {
    return notebook;
  }

  FakeNotebook lab() {
    return lab;
  }

  InMemoryState state() {
    return state;
  }

  byte[] secret() {
    return secret.clone();
  }

  /** A valid session cookie of {@code user}, as a {@code Cookie} header value. */
  String cookie(String user) {
    return COOKIE + "=" + cookies.issue(user, accountId(user));
  }

  /**
   * A new API token of {@code user} (whose account is made when missing, an admin or not) with
   * {@code scopes}, expiring at {@code expiresAt} (0: never), in the shared state; its secret.
   */
  /** A token of {@code user} with {@code scopes}; none means {@code inherit}, as the hub gives a token made without scopes. */
  String token(String user, boolean admin, long expiresAt, String... scopes) throws Exception {
    AccountStore accounts = state.shared().accounts();
    Account account = accounts.account(user);
    if (account == null || account.admin() != admin) {
      account = new Account(accountId(user), user, admin, null, System.currentTimeMillis());
      accounts.saveAccount(account);
    }
    String secret = Secrets.randomHex(32);
    await(state.shared().tokens().saveToken(new ApiToken(secret.substring(0, 8), user, account.id(), Secrets.sha256Hex(secret),
      scopes.length == 0 ? Set.of("inherit") : Set.of(scopes), "", System.currentTimeMillis(), expiresAt)));
    return secret;
  }

  /** The router's cookie signer. */
  SessionCookies cookies() {
    return cookies;
  }

  /** The account id the router's test cookies of {@code user} carry. */
  static String accountId(String user) {
    return "id-of-" + user;
  }

  /** The verified claims of a {@code Cookie} header value made by {@link #cookie}. */
  SessionCookies.Claims claims(String cookieHeader) throws SessionCookies.InvalidCookieException {
    return cookies.verify(cookieHeader.substring(COOKIE.length() + 1));
  }

  /** The router's host and port, as a client's Host header names them. */
  String authority() {
    return "127.0.0.1:" + port;
  }

  /** The origin a browser on this router's page sends. */
  String origin() {
    return "https://" + authority();
  }

  void put(ServerRecord record) throws Exception {
    await(state.servers().put(record));
  }

  /** The last activity the routers wrote for {@code key}, or null. */
  Long activity(String key) {
    return state.activityMap().get(key);
  }

  /** WebSocket tunnels open now. */
  int openWebSockets() {
    return webSocketGauge.open();
  }

  /** From now on, route lookups answer after {@code millis}, as on a near-cache miss. */
  void answerLate(long millis) {
    routes.delayMillis = millis;
  }

  /** Puts a record of {@code user}'s default server running on a port where nothing listens. */
  void putRunningOnAClosedPort(String user) throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    long now = System.currentTimeMillis();
    put(ServerRecord.pending(user, "", INSTANCE, "t", now, "").ready("gone", "127.0.0.1", closedPort, now));
  }

  /** How many requests the fast path has proxied since the router started. */
  long fastPathRequests() {
    return (long) registry.get(ProxyTimer.FAST_NAME).counter().count();
  }

  /** How many lookups answered late. */
  int lateAnswers() {
    return routes.late.get();
  }

  /** Sends a request; {@code headers} are name, value pairs. */
  Reply send(HttpMethod method, String uri, Buffer body, String... headers) throws Exception {
    return send(client, method, uri, body, headers);
  }

  /** A GET over HTTP/2 (ALPN), as browsers send it; {@code headers} are name, value pairs. */
  Reply getOverHttp2(String uri, String... headers) throws Exception {
    return send(http2, HttpMethod.GET, uri, null, headers);
  }

  /** A request over HTTP/2 (ALPN) on the shared connection, sent, whose answer the caller reads or resets. */
  HttpClientRequest startOverHttp2(HttpMethod method, String uri, String... headers) throws Exception {
    RequestOptions options = options(method, uri, headers);
    HttpClientRequest request = await(http2.request(options));
    request.end();
    return request;
  }

  /** A GET over HTTP/2 on the shared connection, not waited for: its answer's body once it has come. */
  Future<Buffer> bodyOverHttp2(String uri, String... headers) {
    RequestOptions options = options(HttpMethod.GET, uri, headers);
    return http2.request(options).compose(request -> request.send().compose(response -> response.body()));
  }

  /** A request over HTTP/2 with a body; {@code headers} are name, value pairs. */
  Reply sendOverHttp2(HttpMethod method, String uri, Buffer body, String... headers) throws Exception {
    return send(http2, method, uri, body, headers);
  }

  private static Reply send(HttpClient client, HttpMethod method, String uri, Buffer body, String... headers) throws Exception {
    RequestOptions options = options(method, uri, headers);
    // The body is asked for inside send's callback. Asked for in a callback chained after it, from
    // this non-Vert.x thread, it was now and then asked for once the response had ended, and the
    // request timed out waiting for it.
    return await(client.request(options).compose(request -> (body == null ? request.send() : request.send(body))
      .compose(response -> response.body().map(received -> new Reply(response.version(), response.statusCode(), response.headers(), received)))));
  }

  /** A POST whose body goes out chunked, in {@code chunks}, with no Content-Length; {@code headers} are name, value pairs. */
  Reply postChunked(String uri, List<String> chunks, String... headers) throws Exception {
    RequestOptions options = options(HttpMethod.POST, uri, headers);
    return await(client.request(options).compose(request -> {
      request.setChunked(true);
      for (String chunk : chunks) {
        request.write(chunk);
      }
      return request.end().compose(v -> request.response())
        .compose(response -> response.body().map(received -> new Reply(response.version(), response.statusCode(), response.headers(), received)));
    }));
  }

  /** Sends a GET on a connection of its own, without waiting for the answer, and returns that connection. */
  HttpConnection sendOnOwnConnection(String uri, String... headers) throws Exception {
    HttpClientAgent own = vertx.createHttpClient(new HttpClientOptions().setSsl(true).setTrustAll(true).setVerifyHost(false)
      .setDefaultHost("127.0.0.1").setDefaultPort(port));
    ownClients.add(own);
    RequestOptions options = options(HttpMethod.GET, uri, headers);
    HttpClientRequest request = await(own.request(options));
    request.end();
    return request.connection();
  }

  Reply get(String uri, String... headers) throws Exception {
    return send(HttpMethod.GET, uri, null, headers);
  }

  /** A request's options; {@code headers} are name, value pairs. */
  private static RequestOptions options(HttpMethod method, String uri, String... headers) {
    RequestOptions options = new RequestOptions().setMethod(method).setURI(uri);
    for (int i = 0; i < headers.length; i += 2) {
      options.addHeader(headers[i], headers[i + 1]);
    }
    return options;
  }

  /** Opens a WebSocket; {@code headers} are name, value pairs. */
  Future<WebSocket> connect(String uri, String... headers) {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setSsl(true).setHost("127.0.0.1").setPort(port).setURI(uri);
    for (int i = 0; i < headers.length; i += 2) {
      options.addHeader(headers[i], headers[i + 1]);
    }
    return webSockets.connect(options);
  }
}
