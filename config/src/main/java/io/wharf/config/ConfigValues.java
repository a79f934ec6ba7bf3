package io.wharf.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Typed, checked reading of configuration values. Every default lives in {@code conf/wharf.yaml}
 * ({@link WharfConfig#defaults()}), so the {@code required…} readers have none: a missing key or
 * a value of the wrong type fails with a message that starts with the key, such as
 * {@code router.https-port must be a whole number from 1 to 65535, got 'abc'}.
 *
 * <p>Keys are dotted paths from the object given, usually the whole configuration
 * ({@code router.https-port}). Numbers and booleans are also accepted as strings, the form a
 * value takes when written as text. A message repeats the value only where a number or a size
 * was expected: other strings may be secrets.
 */
public final class ConfigValues {

  private static final Pattern MEMORY = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmg]?)b?");

  private ConfigValues() {
  }

  /** The value at a dotted {@code key}, or null when it or one of its parents is absent. */
  public static Object value(JsonObject config, String key) {
    Object current = config;
    for (String part : key.split("\\.")) {
      if (current instanceof JsonObject object) {
        current = object.getValue(part);
      } else if (current instanceof Map<?, ?> map) {
        current = map.get(part);
      } else {
        return null;
      }
    }
    return current;
  }

  /** The value at {@code key}; fails when it is absent or null. */
  public static Object required(JsonObject config, String key) {
    Object value = value(config, key);
    if (value == null) {
      throw new IllegalArgumentException(key + " is missing");
    }
    return value;
  }

  /** The mapping at {@code key}. */
  public static JsonObject requiredSection(JsonObject config, String key) {
    Object value = required(config, key);
    if (value instanceof Map<?, ?> map) {
      return new JsonObject((Map<String, Object>) map);
    }
    if (!(value instanceof JsonObject section)) {
      throw new IllegalArgumentException(key + " must be a mapping, not " + kind(value));
    }
    return section;
  }

  /** The string at {@code key}, possibly empty. */
  public static String requiredString(JsonObject config, String key) {
    return string(key, required(config, key));
  }

  /** The string at {@code key}, which must not be blank. */
  public static String requiredText(JsonObject config, String key) {
    String text = requiredString(config, key);
    if (text.isBlank()) {
      throw new IllegalArgumentException(key + " must not be empty");
    }
    return text;
  }

  /** The string at {@code key}, which must match {@code pattern} as a whole. */
  public static String requiredMatching(JsonObject config, String key, Pattern pattern) {
    String text = requiredString(config, key);
    if (!pattern.matcher(text).matches()) {
      throw new IllegalArgumentException(key + " must match " + pattern.pattern() + ", got '" + text + "'");
    }
    return text;
  }

  /**
   * The directory named at {@code key}, made absolute against the working directory; null when
   * the value is empty. A directory that is named must exist, so a typo stops the start.
   */
  public static Path optionalDirectory(JsonObject config, String key) {
    String text = requiredString(config, key).trim();
    if (text.isEmpty()) {
      return null;
    }
    Path dir = Path.of(text).toAbsolutePath();
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException(key + " names " + dir + ", which does not exist or is not a directory");
    }
    return dir;
  }

  public static int requiredInt(JsonObject config, String key, int min, int max) {
    return (int) wholeNumber(key, required(config, key), min, max);
  }

  public static long requiredLong(JsonObject config, String key, long min, long max) {
    return wholeNumber(key, required(config, key), min, max);
  }

  public static double requiredDouble(JsonObject config, String key, double min, double max) {
    return number(key, required(config, key), min, max);
  }

  /** {@code true} or {@code false}, also as a string in any case. */
  public static boolean requiredBoolean(JsonObject config, String key) {
    Object value = required(config, key);
    if (value instanceof Boolean bool) {
      return bool;
    }
    if (value instanceof String text && (text.trim().equalsIgnoreCase("true") || text.trim().equalsIgnoreCase("false"))) {
      return Boolean.parseBoolean(text.trim());
    }
    throw new IllegalArgumentException(key + " must be true or false, not " + kind(value));
  }

  /** The non-blank entries of the list at {@code key}; see {@link #strings(String, Object)}. */
  public static List<String> requiredStrings(JsonObject config, String key) {
    return strings(key, required(config, key));
  }

  /** Bytes from the size at {@code key}; see {@link #memory(String, Object)}. */
  public static long requiredMemory(JsonObject config, String key) {
    return memory(key, required(config, key));
  }

  /** {@code value} as a string; {@code key} names it in the error. */
  public static String string(String key, Object value) {
    if (!(value instanceof String text)) {
      throw new IllegalArgumentException(key + " must be a string (quoted in YAML), not " + kind(value));
    }
    return text;
  }

  /** {@code value}, a number or a numeric string, as a whole number in [min, max]. */
  public static long wholeNumber(String key, Object value, long min, long max) {
    BigDecimal decimal = decimal(key, value);
    long whole;
    try {
      whole = decimal.longValueExact();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(key + " must be a whole number from " + min + " to " + max + ", got " + decimal.toPlainString());
    }
    if (whole < min || whole > max) {
      throw new IllegalArgumentException(key + " must be a whole number from " + min + " to " + max + ", got " + whole);
    }
    return whole;
  }

  /** {@code value}, a number or a numeric string, in [min, max]. */
  public static double number(String key, Object value, double min, double max) {
    double number = decimal(key, value).doubleValue();
    if (!(number >= min && number <= max)) {
      throw new IllegalArgumentException(key + " must be a number from " + plain(min) + " to " + plain(max) + ", got " + plain(number));
    }
    return number;
  }

  /** Bytes from a Docker-style size such as {@code 512m}, {@code 1g} or a plain byte count; more than 0. */
  public static long memory(String key, Object value) {
    if (value instanceof Number number) {
      return wholeNumber(key, number, 1, Long.MAX_VALUE);
    }
    if (!(value instanceof String text)) {
      throw new IllegalArgumentException(key + " must be a size such as 512m or 1g, not " + kind(value));
    }
    var matcher = MEMORY.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!matcher.matches()) {
      throw new IllegalArgumentException(key + " must be a size such as 512m or 1g, got '" + text + "'");
    }
    int shift = switch (matcher.group(2)) {
      case "k" -> 10;
      case "m" -> 20;
      case "g" -> 30;
      default -> 0;
    };
    BigDecimal bytes = new BigDecimal(matcher.group(1)).multiply(BigDecimal.valueOf(1L << shift));
    if (bytes.compareTo(BigDecimal.ONE) < 0 || bytes.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
      throw new IllegalArgumentException(key + " must be more than 0 bytes and less than 8 EiB, got '" + text + "'");
    }
    return bytes.longValue();
  }

  /**
   * The non-blank, trimmed entries of a list, given as a YAML list or, as an environment
   * override writes it, a comma-separated string.
   */
  public static List<String> strings(String key, Object value) {
    Iterable<?> entries;
    if (value instanceof JsonArray array) {
      entries = array;
    } else if (value instanceof List<?> list) {
      entries = list;
    } else if (value instanceof String text) {
      entries = List.of(text.split(","));
    } else {
      throw new IllegalArgumentException(key + " must be a list, not " + kind(value));
    }
    List<String> strings = new ArrayList<>();
    for (Object entry : entries) {
      if (entry instanceof JsonObject || entry instanceof JsonArray || entry instanceof Map || entry instanceof List) {
        throw new IllegalArgumentException(key + " must be a list of strings, and holds " + kind(entry));
      }
      if (entry != null && !entry.toString().isBlank()) {
        strings.add(entry.toString().trim());
      }
    }
    return strings;
  }

  private static BigDecimal decimal(String key, Object value) {
    if (value instanceof Number number) {
      if (number instanceof Double d && (d.isNaN() || d.isInfinite())) {
        throw new IllegalArgumentException(key + " must be a finite number, got " + d);
      }
      return new BigDecimal(number.toString());
    }
    if (value instanceof String text) {
      try {
        return new BigDecimal(text.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(key + " must be a number, got '" + text + "'");
      }
    }
    throw new IllegalArgumentException(key + " must be a number, not " + kind(value));
  }

  /** What a value is, for messages that must not repeat the value itself. */
  private static String kind(Object value) {
    if (value instanceof String) {
      return "a string";
    }
    if (value instanceof Number) {
      return "a number";
    }
    if (value instanceof Boolean) {
      return "a boolean";
    }
    if (value instanceof JsonArray || value instanceof List) {
      return "a list";
    }
    if (value instanceof JsonObject || value instanceof Map) {
      return "a mapping";
    }
    return value == null ? "empty" : value.getClass().getSimpleName();
  }

  private static String plain(double number) {
    return number == Math.rint(number) && Math.abs(number) < 1e15 ? Long.toString((long) number) : Double.toString(number);
  }
}
