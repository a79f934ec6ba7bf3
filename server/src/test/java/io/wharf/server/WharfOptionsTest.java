package io.wharf.server;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wharf.config.WharfConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every record parses the shipped defaults, and every key of them is required and checked. */
class WharfOptionsTest {

  private static String failure(JsonObject config) {
    return assertThrows(IllegalArgumentException.class, () -> WharfOptions.fromJson(config)).getMessage();
  }

  /** Every key of the shipped defaults, as {@code section.key}. */
  private static List<String> shippedKeys() {
    JsonObject defaults = WharfConfig.defaults();
    List<String> keys = new ArrayList<>();
    for (String section : defaults.fieldNames()) {
      for (String key : defaults.getJsonObject(section).fieldNames()) {
        keys.add(section + "." + key);
      }
    }
    return keys;
  }

  private static JsonObject section(JsonObject config, String key) {
    return config.getJsonObject(key.substring(0, key.indexOf('.')));
  }

  private static String leaf(String key) {
    return key.substring(key.indexOf('.') + 1);
  }

  @Test
  void everyRecordParsesTheShippedDefaults() {
    JsonObject defaults = WharfConfig.defaults();
    WharfOptions options = WharfOptions.fromJson(defaults);
    assertNotNull(options.router());
    assertNotNull(options.sessions());
    assertNotNull(options.containers());

    JsonObject instance = defaults.getJsonObject("instance");
    assertEquals(instance.getString("id"), options.instance().id());
    assertEquals(instance.getJsonArray("roles").getList(), options.instance().roles());
    assertEquals(Path.of(instance.getString("data-dir")).toAbsolutePath(), options.instance().dataDir());
    assertEquals(instance.getBoolean("native-transport"), options.instance().nativeTransport());

    JsonObject cluster = defaults.getJsonObject("cluster");
    assertEquals(cluster.getString("name"), options.cluster().name());
    assertEquals(cluster.getInteger("port"), options.cluster().port());
    assertEquals(cluster.getString("advertise-address"), options.cluster().advertiseAddress());
    assertEquals(cluster.getJsonArray("members").getList(), options.cluster().members());
    assertEquals(cluster.getString("secret"), options.cluster().secret());
    assertEquals(cluster.getInteger("failure-detection-seconds"), options.cluster().failureDetectionSeconds());

    JsonObject metrics = defaults.getJsonObject("metrics");
    assertEquals(metrics.getInteger("port"), options.metrics().port());
    assertEquals(MetricsOptions.VertxHttp.of(metrics.getString("vertx-http")), options.metrics().vertxHttp());
    assertEquals(metrics.getBoolean("proxy-histogram"), options.metrics().proxyHistogram());
  }

  @Test
  void everyShippedKeyIsRequiredAndAMissingOneIsNamed() {
    List<String> keys = shippedKeys();
    assertTrue(keys.size() > 50, "the walk found the keys: " + keys);
    for (String key : keys) {
      JsonObject config = WharfConfig.defaults();
      section(config, key).remove(leaf(key));
      assertEquals(key + " is missing", failure(config), key);
    }
  }

  @Test
  void everyShippedKeyRefusesAValueOfTheWrongTypeAndNamesIt() {
    for (String key : shippedKeys()) {
      JsonObject config = WharfConfig.defaults();
      JsonObject section = section(config, key);
      // A mapping where a scalar or a list belongs, and text where a mapping belongs.
      section.put(leaf(key), section.getValue(leaf(key)) instanceof JsonObject ? "text" : new JsonObject().put("x", 1));
      String message = failure(config);
      assertTrue(message.startsWith(key + " "), key + ": " + message);
    }
  }

  @Test
  void aBadValueNamesItsKey() {
    JsonObject port = WharfConfig.defaults();
    port.getJsonObject("router").put("https-port", "abc");
    assertEquals("router.https-port must be a number, got 'abc'", failure(port));
    JsonObject queue = WharfConfig.defaults();
    queue.getJsonObject("servers").put("launch-queue", -1);
    assertEquals("servers.launch-queue must be a whole number from 0 to 1000000, got -1", failure(queue));
    JsonObject clusterPort = WharfConfig.defaults();
    clusterPort.getJsonObject("cluster").put("port", 0);
    assertEquals("cluster.port must be a whole number from 1 to 65535, got 0", failure(clusterPort));
    JsonObject nativeTransport = WharfConfig.defaults();
    nativeTransport.getJsonObject("instance").put("native-transport", "yes");
    assertEquals("instance.native-transport must be true or false, not a string", failure(nativeTransport));
  }

  @Test
  void rolesMustBeKnownAndAtLeastOne() {
    JsonObject typo = WharfConfig.defaults();
    typo.getJsonObject("instance").put("roles", new JsonArray().add("router").add("sessions"));
    assertEquals("instance.roles may hold router, session-manager, container-manager, not 'sessions'", failure(typo));
    JsonObject none = WharfConfig.defaults();
    none.getJsonObject("instance").put("roles", "");
    assertTrue(failure(none).startsWith("instance.roles must name at least one of"));
  }

  @Test
  void anInstanceRunsOnlyItsRoles() {
    JsonObject config = WharfConfig.defaults();
    config.getJsonObject("instance").put("roles", "router, session-manager");
    InstanceOptions instance = WharfOptions.fromJson(config).instance();
    assertTrue(instance.runs(InstanceOptions.ROUTER));
    assertTrue(instance.runs(InstanceOptions.SESSION_MANAGER));
    assertFalse(instance.runs(InstanceOptions.CONTAINER_MANAGER));
  }

  @Test
  void aClusterOfSessionManagersNeedsASharedDatabase() {
    JsonObject embedded = WharfConfig.defaults();
    embedded.getJsonObject("cluster").put("members", "10.0.0.1, 10.0.0.2");
    assertTrue(failure(embedded).startsWith("store.url must name a PostgreSQL database"), failure(embedded));

    JsonObject shared = embedded.copy();
    shared.getJsonObject("store").put("url", "jdbc:postgresql://db:5432/wharf");
    assertEquals("jdbc:postgresql://db:5432/wharf", WharfOptions.fromJson(shared).sessions().store().url());

    JsonObject routerOnly = embedded.copy();
    routerOnly.getJsonObject("instance").put("roles", "router");
    assertTrue(WharfOptions.fromJson(routerOnly).sessions().store().embedded(), "a router opens no database");

    JsonObject single = WharfConfig.defaults();
    single.getJsonObject("cluster").put("members", "10.0.0.1");
    assertTrue(WharfOptions.fromJson(single).sessions().store().embedded());
  }

  @Test
  void theStoreTakesOnlyAPostgresqlUrlAndABoundedPool() {
    JsonObject mysql = WharfConfig.defaults();
    mysql.getJsonObject("store").put("url", "jdbc:mysql://db/wharf");
    assertTrue(failure(mysql).startsWith("store.url must be empty (an embedded database) or a jdbc:postgresql: URL"), failure(mysql));
    JsonObject pool = WharfConfig.defaults();
    pool.getJsonObject("store").put("pool-size", 0);
    assertEquals("store.pool-size must be a whole number from 1 to 100, got 0", failure(pool));
  }
}
