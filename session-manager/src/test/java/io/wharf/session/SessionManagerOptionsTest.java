package io.wharf.session;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wharf.config.WharfConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

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
    JsonObject cull = WharfConfig.defaults();
    cull.getJsonObject("servers").put("cull-interval-seconds", "often");
    assertEquals("servers.cull-interval-seconds must be a number, got 'often'", failure(cull));
  }
}
