package io.wharf.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigValuesTest {

  private static final JsonObject CONFIG = new JsonObject()
    .put("router", new JsonObject()
      .put("https-port", 8443).put("text-port", "9443").put("half", 1.5).put("host", "0.0.0.0").put("blank", " ")
      .put("on", true).put("on-text", "FALSE").put("list", new JsonArray().add("a").add(" ").add(" b "))
      .put("csv", "a:1, b:2,,").put("nested", new JsonArray().add(new JsonObject())).put("secret", 12345));

  private static String failure(Runnable read) {
    return assertThrows(IllegalArgumentException.class, read::run).getMessage();
  }

  @Test
  void readsDottedKeysOfEveryType() {
    assertEquals(8443, ConfigValues.requiredInt(CONFIG, "router.https-port", 1, 65535));
    assertEquals(9443, ConfigValues.requiredInt(CONFIG, "router.text-port", 1, 65535), "numbers written as text");
    assertEquals(1.5, ConfigValues.requiredDouble(CONFIG, "router.half", 0, 2));
    assertEquals("0.0.0.0", ConfigValues.requiredText(CONFIG, "router.host"));
    assertEquals(" ", ConfigValues.requiredString(CONFIG, "router.blank"));
    assertTrue(ConfigValues.requiredBoolean(CONFIG, "router.on"));
    assertFalse(ConfigValues.requiredBoolean(CONFIG, "router.on-text"));
    assertEquals(List.of("a", "b"), ConfigValues.requiredStrings(CONFIG, "router.list"));
    assertEquals(List.of("a:1", "b:2"), ConfigValues.requiredStrings(CONFIG, "router.csv"));
    assertEquals(8443, ConfigValues.requiredSection(CONFIG, "router").getInteger("https-port"));
    assertNull(ConfigValues.value(CONFIG, "router.https-port.deeper"));
    assertNull(ConfigValues.value(CONFIG, "nowhere.at-all"));
  }

  @Test
  void aMissingKeyIsNamed() {
    assertEquals("router.http-port is missing", failure(() -> ConfigValues.requiredInt(CONFIG, "router.http-port", 0, 65535)));
    assertEquals("metrics.port is missing", failure(() -> ConfigValues.requiredInt(CONFIG, "metrics.port", 0, 65535)));
    assertEquals("router.host is missing", failure(() -> ConfigValues.requiredText(new JsonObject().putNull("router"), "router.host")));
  }

  @Test
  void aWrongTypeOrRangeIsNamed() {
    assertEquals("router.https-port must be a whole number from 1 to 1000, got 8443",
      failure(() -> ConfigValues.requiredInt(CONFIG, "router.https-port", 1, 1000)));
    assertEquals("router.half must be a whole number from 0 to 10, got 1.5",
      failure(() -> ConfigValues.requiredLong(CONFIG, "router.half", 0, 10)));
    assertEquals("router.host must be a number, got '0.0.0.0'", failure(() -> ConfigValues.requiredInt(CONFIG, "router.host", 0, 1)));
    assertEquals("router.list must be a number, not a list", failure(() -> ConfigValues.requiredInt(CONFIG, "router.list", 0, 1)));
    assertEquals("router.half must be a number from 0 to 1, got 1.5", failure(() -> ConfigValues.requiredDouble(CONFIG, "router.half", 0, 1)));
    assertEquals("router.blank must not be empty", failure(() -> ConfigValues.requiredText(CONFIG, "router.blank")));
    assertEquals("router.host must be true or false, not a string", failure(() -> ConfigValues.requiredBoolean(CONFIG, "router.host")));
    assertEquals("router.on must be a list, not a boolean", failure(() -> ConfigValues.requiredStrings(CONFIG, "router.on")));
    assertEquals("router.nested must be a list of strings, and holds a mapping",
      failure(() -> ConfigValues.requiredStrings(CONFIG, "router.nested")));
    assertEquals("router.https-port must be a mapping, not a number", failure(() -> ConfigValues.requiredSection(CONFIG, "router.https-port")));
  }

  @Test
  void aStringOfTheWrongTypeIsNotRepeated() {
    // Strings hold secrets: the message says what the value is, never what it says.
    assertEquals("router.secret must be a string (quoted in YAML), not a number",
      failure(() -> ConfigValues.requiredString(CONFIG, "router.secret")));
  }

  @Test
  void memorySizes() {
    assertEquals(1024, ConfigValues.memory("m", "1k"));
    assertEquals(512L << 20, ConfigValues.memory("m", "512m"));
    assertEquals(512L << 20, ConfigValues.memory("m", "512M"));
    assertEquals(2L << 30, ConfigValues.memory("m", "2g"));
    assertEquals(3L << 29, ConfigValues.memory("m", "1.5g"));
    assertEquals(1L << 30, ConfigValues.memory("m", "1gb"));
    assertEquals(1_000_000, ConfigValues.memory("m", "1000000"));
    assertEquals(4096, ConfigValues.memory("m", 4096));
    assertEquals("containers.memory must be a size such as 512m or 1g, got '1t'", failure(() -> ConfigValues.memory("containers.memory", "1t")));
    assertTrue(failure(() -> ConfigValues.memory("m", "lots")).startsWith("m must be a size"));
    assertTrue(failure(() -> ConfigValues.memory("m", "0")).startsWith("m must be more than 0 bytes"));
    assertTrue(failure(() -> ConfigValues.memory("m", 0)).startsWith("m must be a whole number from 1"));
    assertTrue(failure(() -> ConfigValues.memory("m", true)).startsWith("m must be a size such as 512m or 1g, not a boolean"));
  }
}
