package io.wharf.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class WharfConfigTest {

  @Test
  void defaultsComeFromTheBuiltInFile() throws Exception {
    JsonObject config = WharfConfig.load(null, Map.of());
    assertEquals(8443, config.getJsonObject("router").getInteger("https-port"));
    assertEquals("wharf/jupyter:latest", config.getJsonObject("containers").getString("image"));
    assertEquals("", config.getJsonObject("auth").getString("admin-password"));
  }

  @Test
  void environmentOverridesByKeyPathWithTheDefaultsType() throws Exception {
    JsonObject config = WharfConfig.load(null, Map.of(
      "WHARF_ROUTER_HTTPS_PORT", "9443",
      "WHARF_AUTH_ADMIN_PASSWORD", "s3cret-pass",
      "WHARF_CONTAINERS_ALLOWED_IMAGES", "a:1, b:2",
      "WHARF_CONTAINERS_CPUS", "0.5",
      "WHARF_NOT_A_KEY", "ignored"));
    assertEquals(9443, config.getJsonObject("router").getInteger("https-port"));
    assertEquals("s3cret-pass", config.getJsonObject("auth").getString("admin-password"));
    assertEquals(new JsonArray().add("a:1").add("b:2"), config.getJsonObject("containers").getJsonArray("allowed-images"));
    assertEquals(0.5, config.getJsonObject("containers").getDouble("cpus"));
  }

  @Test
  void aFileIsLaidOverTheDefaultsAndTheEnvironmentOverTheFile() throws Exception {
    Path file = Files.createTempFile("wharf", ".yaml");
    Files.writeString(file, "router:\n  https-port: 10443\n  http-port: 0\ncontainers:\n  memory: 2g\n");
    JsonObject config = WharfConfig.load(file, Map.of("WHARF_ROUTER_HTTPS_PORT", "11443"));
    assertEquals(11443, config.getJsonObject("router").getInteger("https-port"));
    assertEquals(0, config.getJsonObject("router").getInteger("http-port"));
    assertEquals("2g", config.getJsonObject("containers").getString("memory"));
    assertEquals("0.0.0.0", config.getJsonObject("router").getString("host"), "untouched defaults remain");
  }

  @Test
  void badNumbersAreNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
      () -> WharfConfig.load(null, Map.of("WHARF_ROUTER_HTTPS_PORT", "eighty")));
    assertEquals("WHARF_ROUTER_HTTPS_PORT must be a number, got 'eighty'", e.getMessage());
  }

  @Test
  void defaultsAreAFreshCopyOfTheBuiltInFile() throws Exception {
    JsonObject defaults = WharfConfig.defaults();
    assertEquals(WharfConfig.load(null, Map.of()), defaults);
    int port = defaults.getJsonObject("router").getInteger("https-port");
    defaults.getJsonObject("router").put("https-port", port + 1);
    assertEquals(port, WharfConfig.defaults().getJsonObject("router").getInteger("https-port"), "a change to one copy stays in it");
  }

  @Test
  void booleansAreTrueOrFalseInAnyCaseAndNothingElse() throws Exception {
    JsonObject config = WharfConfig.load(null, Map.of("WHARF_METRICS_PROXY_HISTOGRAM", "TRUE", "WHARF_INSTANCE_NATIVE_TRANSPORT", "false"));
    assertEquals(true, config.getJsonObject("metrics").getBoolean("proxy-histogram"));
    assertEquals(false, config.getJsonObject("instance").getBoolean("native-transport"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
      () -> WharfConfig.load(null, Map.of("WHARF_METRICS_PROXY_HISTOGRAM", "yes")));
    assertEquals("WHARF_METRICS_PROXY_HISTOGRAM must be true or false, got 'yes'", e.getMessage());
  }

  @Test
  void aLoggerNameWithDotsIsSetByItsVariableButMapsComeOnlyFromAFile() throws Exception {
    JsonObject config = WharfConfig.load(null, Map.of("WHARF_LOGGING_LEVEL_IO_WHARF", "debug",
      "WHARF_CONTAINERS_PROFILES", "large", "WHARF_AUTH_SERVICES", "culler"));
    assertEquals("debug", config.getJsonObject("logging").getJsonObject("level").getString("io.wharf"));
    assertEquals(new JsonObject(), config.getJsonObject("containers").getJsonObject("profiles"));
    assertEquals(new JsonObject(), config.getJsonObject("auth").getJsonObject("services"));
  }

  @Test
  void envNames() {
    assertEquals("WHARF_ROUTER_HTTPS_PORT", WharfConfig.envName("WHARF_ROUTER", "https-port"));
  }
}
