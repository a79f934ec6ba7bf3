package io.wharf.container;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Reading values of the {@code containers} configuration. Environment overrides of the YAML
 * arrive as strings, so numbers are accepted in either form; a bad value names its key.
 */
public final class ConfigValues {

  private static final Pattern MEMORY = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmg]?)b?");

  private ConfigValues() {
  }

  /** Bytes from a Docker-style size such as {@code 512m}, {@code 1g} or a plain byte count. */
  public static long parseMemory(Object value) {
    if (value instanceof Number number) {
      return positive("memory", number.longValue(), Long.MAX_VALUE);
    }
    var matcher = MEMORY.matcher(String.valueOf(value).trim().toLowerCase(Locale.ROOT));
    if (!matcher.matches()) {
      throw new IllegalArgumentException("memory must be a size such as 512m or 1g: " + value);
    }
    int shift = switch (matcher.group(2)) {
      case "k" -> 10;
      case "m" -> 20;
      case "g" -> 30;
      default -> 0;
    };
    long bytes = new BigDecimal(matcher.group(1)).multiply(BigDecimal.valueOf(1L << shift)).longValue();
    return positive("memory", bytes, Long.MAX_VALUE);
  }

  /** The non-blank entries of a list, given as a YAML list or, from an environment override, comma-separated. */
  public static List<String> strings(Object value) {
    if (value == null) {
      return List.of();
    }
    Iterable<?> entries = value instanceof JsonArray array ? array : List.of(value.toString().split(","));
    List<String> strings = new ArrayList<>();
    for (Object entry : entries) {
      if (entry != null && !entry.toString().isBlank()) {
        strings.add(entry.toString().trim());
      }
    }
    return strings;
  }

  public static Number number(JsonObject json, String key, Number fallback) {
    Object value = json.getValue(key);
    if (value == null) {
      return fallback;
    }
    if (value instanceof Number number) {
      return number;
    }
    try {
      return new BigDecimal(value.toString().trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a number: " + value);
    }
  }

  public static long positive(String key, long value, long max) {
    if (value <= 0 || value > max) {
      throw new IllegalArgumentException(key + " out of range: " + value);
    }
    return value;
  }
}
