package io.wharf.router;

import io.vertx.core.json.JsonObject;
import io.wharf.config.WharfConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RouterOptionsTest {

  /** The shipped defaults with some {@code router} keys replaced. */
  private static JsonObject config(JsonObject router) {
    JsonObject config = WharfConfig.defaults();
    config.getJsonObject("router").mergeIn(router);
    return config;
  }

  private static String failure(JsonObject config) {
    return assertThrows(IllegalArgumentException.class, () -> RouterOptions.fromJson(config)).getMessage();
  }

  @Test
  void parsesTheShippedDefaults() {
    JsonObject defaults = WharfConfig.defaults();
    JsonObject router = defaults.getJsonObject("router");
    RouterOptions options = RouterOptions.fromJson(defaults);
    assertEquals(defaults.getJsonObject("instance").getString("id"), options.instanceId());
    assertEquals(Path.of(defaults.getJsonObject("instance").getString("data-dir")).toAbsolutePath(), options.dataDir());
    assertEquals(router.getString("host"), options.host());
    assertEquals(router.getInteger("https-port"), options.httpsPort());
    assertEquals(router.getInteger("http-port"), options.httpPort());
    assertEquals(router.getInteger("connect-timeout-ms"), options.connectTimeoutMillis());
    assertEquals(router.getInteger("idle-timeout-seconds"), options.idleTimeoutSeconds());
    assertEquals(router.getInteger("max-connections-per-server"), options.maxConnectionsPerServer());
    assertEquals(router.getLong("activity-flush-seconds") * 1000, options.activityFlushMillis());
    assertNull(options.staticDir(), "an empty static-dir means the pages inside the jar");
    assertEquals(router.getInteger("max-websockets-per-server"), options.backend().maxWebSocketsPerServer());
    assertTrue(options.backend().maxWebSocketsPerServer() >= 1000, "far above the old cap of 128 per notebook");
    assertEquals(router.getInteger("backend-response-timeout-seconds"), options.backend().responseTimeoutSeconds());
    assertEquals(false, options.backend().passCors(), "the container's CORS grants are dropped unless configured");
    assertEquals(defaults.getJsonObject("auth").getString("cookie-name"), options.cookieName());
    assertEquals(router.getLong("request-header-timeout-seconds") * 1000, options.requestHeaderTimeoutMillis());
    assertEquals(router.getInteger("max-connections-per-address"), options.maxConnectionsPerAddress());
    assertEquals(router.getLong("tls-reload-seconds") * 1000, options.tlsReloadMillis());
    assertNull(options.publicOrigin(), "an empty public-url trusts each request's Host");
    assertNull(options.tlsCert(), "an empty tls-cert means the development certificate");
    assertTrue(options.instances() > 0);
  }

  @Test
  void thePublicUrlBecomesAnOriginWithoutTrailingSlashes() {
    assertEquals("https://notebooks.example.org",
      RouterOptions.fromJson(config(new JsonObject().put("public-url", "https://notebooks.example.org//"))).publicOrigin());
    assertEquals("https://localhost:9443",
      RouterOptions.fromJson(config(new JsonObject().put("public-url", " https://localhost:9443 "))).publicOrigin());
  }

  @Test
  void aPublicUrlThatIsNoOriginIsRefused() {
    for (String url : new String[] {"notebooks.example.org", "ftp://example.org", "https://example.org/wharf", "https://example.org?x=1"}) {
      String message = failure(config(new JsonObject().put("public-url", url)));
      assertTrue(message.startsWith("router.public-url must be an origin"), url + ": " + message);
    }
  }

  @Test
  void theTlsFilesComeInPairs() {
    String message = failure(config(new JsonObject().put("tls-cert", "/etc/wharf/cert.pem")));
    assertTrue(message.startsWith("router.tls-key is empty while router.tls-cert is set"), message);
    RouterOptions both = RouterOptions.fromJson(config(new JsonObject().put("tls-cert", "/c.pem").put("tls-key", "/k.pem")));
    assertEquals("/c.pem", both.tlsCert());
    assertEquals("/k.pem", both.tlsKey());
  }

  @Test
  void aConfiguredStaticDirMustExist(@TempDir Path dir) {
    assertEquals(dir.toAbsolutePath(), RouterOptions.fromJson(config(new JsonObject().put("static-dir", dir.toString()))).staticDir());
    Path missing = dir.resolve("nowhere");
    assertEquals("router.static-dir names " + missing + ", which does not exist or is not a directory",
      failure(config(new JsonObject().put("static-dir", missing.toString()))));
  }

  @Test
  void eventLoopsZeroMeansOnePerCore() {
    assertEquals(Runtime.getRuntime().availableProcessors(),
      RouterOptions.fromJson(config(new JsonObject().put("event-loops", 0))).instances());
    assertEquals(3, RouterOptions.fromJson(config(new JsonObject().put("event-loops", 3))).instances());
  }

  @Test
  void aMissingKeyOrAWrongTypeIsNamed() {
    JsonObject missing = WharfConfig.defaults();
    missing.getJsonObject("router").remove("idle-timeout-seconds");
    assertEquals("router.idle-timeout-seconds is missing", failure(missing));
    assertEquals("router.https-port must be a number, got 'abc'", failure(config(new JsonObject().put("https-port", "abc"))));
    assertEquals("router.http-port must be a whole number from 0 to 65535, got 70000",
      failure(config(new JsonObject().put("http-port", 70000))));
    assertEquals("router.activity-flush-seconds must be a whole number from 1 to 3600, got 0",
      failure(config(new JsonObject().put("activity-flush-seconds", 0))));
    assertEquals("router.host must be a string (quoted in YAML), not a boolean", failure(config(new JsonObject().put("host", true))));
  }
}
