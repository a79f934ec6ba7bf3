package io.wharf.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Wharf's configuration: the defaults shipped in the jar ({@code conf/wharf.yaml}), overlaid by
 * an optional file, overlaid by environment variables. A variable's name is {@code WHARF_} and
 * the key's path in upper case with {@code .} and {@code -} as {@code _}; its value is read as
 * the type of the default (lists are comma-separated). Only keys that have a default can be
 * overridden, so a typo in a variable name cannot silently configure nothing.
 */
public final class WharfConfig {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private WharfConfig() {
  }

  public static JsonObject load(Path file, Map<String, String> env) throws IOException {
    JsonObject config;
    try (InputStream in = WharfConfig.class.getResourceAsStream("/wharf.yaml")) {
      if (in == null) {
        throw new IOException("the built-in default configuration is missing from the jar");
      }
      config = new JsonObject(YAML.readValue(in, Map.class));
    }
    if (file != null) {
      if (!Files.exists(file)) {
        throw new IOException("configuration file not found: " + file);
      }
      Object parsed = YAML.readValue(file.toFile(), Object.class);
      if (parsed != null) {
        if (!(parsed instanceof Map<?, ?> map)) {
          throw new IOException(file + ": the top level must be a mapping");
        }
        merge(config, new JsonObject((Map<String, Object>) map));
      }
    }
    applyEnv(config, "WHARF", env);
    return config;
  }

  /** Environment variable name of a key path, such as {@code WHARF_ROUTER_HTTPS_PORT}. */
  static String envName(String prefix, String key) {
    return prefix + "_" + key.toUpperCase(Locale.ROOT).replace('-', '_').replace('.', '_');
  }

  private static void merge(JsonObject base, JsonObject overlay) {
    for (String key : overlay.fieldNames()) {
      Object value = overlay.getValue(key);
      if (value instanceof JsonObject nested && base.getValue(key) instanceof JsonObject target) {
        merge(target, nested);
      } else {
        base.put(key, value);
      }
    }
  }

  private static void applyEnv(JsonObject section, String prefix, Map<String, String> env) {
    for (String key : section.fieldNames()) {
      String name = envName(prefix, key);
      Object current = section.getValue(key);
      if (current instanceof JsonObject nested) {
        applyEnv(nested, name, env);
        continue;
      }
      String value = env.get(name);
      if (value != null) {
        section.put(key, coerce(name, value, current));
      }
    }
  }

  private static Object coerce(String name, String value, Object like) {
    try {
      if (like instanceof Integer) {
        return Integer.parseInt(value.trim());
      }
      if (like instanceof Long) {
        return Long.parseLong(value.trim());
      }
      if (like instanceof Double || like instanceof Float) {
        return Double.parseDouble(value.trim());
      }
      if (like instanceof Boolean) {
        return Boolean.parseBoolean(value.trim());
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a number, got '" + value + "'");
    }
    if (like instanceof JsonArray) {
      JsonArray list = new JsonArray();
      for (String part : value.split(",")) {
        if (!part.isBlank()) {
          list.add(part.trim());
        }
      }
      return list;
    }
    return value;
  }
}
