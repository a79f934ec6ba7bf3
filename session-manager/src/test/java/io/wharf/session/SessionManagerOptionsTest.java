package io.wharf.session;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wharf.config.WharfConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SessionManagerOptionsTest {

  private static String failure(JsonObject config) {
    return assertThrows(IllegalArgumentException.class, () -> SessionManagerOptions.fromJson(config)).getMessage();
  }

  @Test
  void parsesTheShippedDefaults() {
    JsonObject defaults = WharfConfig.defaults();
    JsonObject auth = defaults.getJsonObject("auth");
    JsonObject servers = defaults.getJsonObject("servers");
    SessionManagerOptions options = SessionManagerOptions.fromJson(defaults);
    assertEquals(defaults.getJsonObject("instance").getString("id"), options.instanceId());
    assertEquals(Path.of(defaults.getJsonObject("instance").getString("data-dir")).toAbsolutePath(), options.dataDir());
    assertTrue(options.dataDir().isAbsolute());
    assertTrue(options.localContainers(), "the shipped roles include the container manager");
    assertEquals(auth.getString("cookie-name"), options.cookieName());
    assertEquals(Duration.ofSeconds(auth.getLong("cookie-ttl-seconds")), options.cookieTtl());
    assertEquals(auth.getString("admin-user"), options.adminUser());
    assertEquals(auth.getInteger("password-iterations"), options.passwordIterations());
    assertEquals(servers.getInteger("launch-queue"), options.launchQueue());
    assertEquals(servers.getLong("cull-idle-seconds") * 1000, options.cullIdleMillis());
    assertEquals((defaults.getJsonObject("containers").getLong("ready-timeout-seconds") + 60) * 1000, options.launchTimeoutMillis());
    assertEquals(defaults.getJsonObject("cluster").getLong("lost-timeout-seconds") * 1000, options.lostTimeoutMillis());
    RateLimitOptions limits = options.limits();
    assertEquals(auth.getInteger("login-attempts-per-account"), limits.loginAttemptsPerAccount());
    assertEquals(auth.getInteger("login-attempts-per-address"), limits.loginAttemptsPerAddress());
    assertEquals(Duration.ofSeconds(auth.getLong("login-window-seconds")), limits.loginWindow());
    assertEquals(auth.getInteger("api-calls-per-second"), limits.apiCallsPerSecond());
    assertEquals(auth.getInteger("api-burst"), limits.apiBurst());
    assertEquals(auth.getInteger("password-hash-threads"), limits.hashThreads());
    assertEquals(auth.getInteger("password-hash-queue"), limits.hashQueue());
    assertEquals(auth.getJsonArray("trusted-proxies").getList(), limits.trustedProxies());
  }

  @Test
  void trustedProxiesAreAddressesOrRanges() {
    JsonObject config = WharfConfig.defaults();
    config.getJsonObject("auth").put("trusted-proxies", "127.0.0.1, 10.0.0.0/8, fd00::/8");
    assertEquals(List.of("127.0.0.1", "10.0.0.0/8", "fd00::/8"), SessionManagerOptions.fromJson(config).limits().trustedProxies());
    config.getJsonObject("auth").put("trusted-proxies", "lb.example");
    assertEquals("auth.trusted-proxies must hold IP addresses or CIDR ranges, got 'lb.example'", failure(config));
  }

  @Test
  void withoutTheContainerManagerRoleContainersAreNotLocal() {
    JsonObject config = WharfConfig.defaults();
    config.getJsonObject("instance").put("roles", new JsonArray().add("router").add("session-manager"));
    assertFalse(SessionManagerOptions.fromJson(config).localContainers());
  }

  @Test
  void aMissingKeyIsNamed() {
    JsonObject config = WharfConfig.defaults();
    config.getJsonObject("servers").remove("per-user");
    assertEquals("servers.per-user is missing", failure(config));
    JsonObject noAuth = WharfConfig.defaults();
    noAuth.remove("auth");
    assertEquals("auth.cookie-name is missing", failure(noAuth));
  }

  @Test
  void aBadValueIsNamed() {
    JsonObject queue = WharfConfig.defaults();
    queue.getJsonObject("servers").put("launch-queue", -1);
    assertEquals("servers.launch-queue must be a whole number from 0 to 1000000, got -1", failure(queue));
    JsonObject password = WharfConfig.defaults();
    password.getJsonObject("auth").put("admin-password", 12345678);
    assertEquals("auth.admin-password must be a string (quoted in YAML), not a number", failure(password));
    JsonObject cookie = WharfConfig.defaults();
    cookie.getJsonObject("auth").put("cookie-name", "my session");
    assertTrue(failure(cookie).startsWith("auth.cookie-name must match "), failure(cookie));
    JsonObject window = WharfConfig.defaults();
    window.getJsonObject("auth").put("login-window-seconds", 0);
    assertEquals("auth.login-window-seconds must be a whole number from 1 to 86400, got 0", failure(window));
    JsonObject cull = WharfConfig.defaults();
    cull.getJsonObject("servers").put("cull-interval-seconds", "often");
    assertEquals("servers.cull-interval-seconds must be a number, got 'often'", failure(cull));
  }
}
