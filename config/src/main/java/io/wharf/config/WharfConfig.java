package io.wharf.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Wharf's configuration: the defaults shipped in this module's jar ({@code conf/wharf.yaml}), overlaid by
 * an optional file, overlaid by environment variables. A variable's name is {@code WHARF_} and
 * the key's path in upper case with {@code .} and {@code -} as {@code _}; its value is read as
 * the type of the default (lists are comma-separated). Only keys that have a default can be
 * overridden, so a typo in a variable name cannot silently configure nothing.
 */
public final class WharfConfig {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private WharfConfig() {
  }

  /**
   * The configuration an instance runs with: {@link #defaults()}, then {@code file} (null for
   * none) laid over them, then the {@code WHARF_} variables of {@code env}.
   *
   * @throws IOException              when {@code file} cannot be read
   * @throws IllegalArgumentException when a variable's value does not fit its key's type
   */
  public static JsonObject load(Path file, Map<String, String> env) throws IOException {
    JsonObject config = defaults();
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

  /**
   * The built-in defaults alone, a fresh copy on every call: the one place a default lives.
   * Tests start from these rather than from copies of their values.
   */
  public static JsonObject defaults() {
    return Defaults.PARSED.copy();
  }

  /** Parsed once, on first use. */
  private static final class Defaults {
    private static final JsonObject PARSED = read();

    private static JsonObject read() {
      try (InputStream in = WharfConfig.class.getResourceAsStream("/wharf.yaml")) {
        if (in == null) {
          throw new IOException("the built-in default configuration (/wharf.yaml) is missing from the class path");
        }
        return new JsonObject(YAML.readValue(in, Map.class));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
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
        // Boolean.parseBoolean would read a typo such as "ture" or "yes" as false, silently.
        if (!value.trim().equalsIgnoreCase("true") && !value.trim().equalsIgnoreCase("false")) {
          throw new IllegalArgumentException(name + " must be true or false, got '" + value + "'");
        }
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
