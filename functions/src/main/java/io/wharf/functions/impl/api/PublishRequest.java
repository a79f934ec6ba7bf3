package io.wharf.functions.impl.api;

import io.vertx.core.json.JsonObject;
import io.wharf.functions.FunctionsOptions;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * A publish request's body, checked: {@code path} (required, a folder inside the home), {@code public}
 * (false), {@code timeout_seconds} (30), {@code max_containers} (4), {@code min_containers} (0) and
 * {@code concurrency} (1). A bad field is refused with a message that names it.
 */
record PublishRequest(String path, boolean open, int timeoutSeconds, int maxContainers, int minContainers, int concurrency) {

  private static final Set<String> FIELDS = Set.of("path", "public", "timeout_seconds", "max_containers", "min_containers",
    "concurrency");
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");

  static PublishRequest parse(JsonObject body, FunctionsOptions options) {
    if (body == null) {
      throw new IllegalArgumentException("the body must be a JSON object");
    }
    for (String field : body.fieldNames()) {
      if (!FIELDS.contains(field)) {
        throw new IllegalArgumentException("unknown field: " + field);
      }
    }
    Object path = body.getValue("path");
    if (!(path instanceof String text) || text.isEmpty() || text.length() > 1024) {
      throw new IllegalArgumentException("path must be a folder of the home, such as functions/stats");
    }
    String trimmed = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    for (String segment : trimmed.split("/", -1)) {
      // No "..", no absolute path, no hidden or odd names: the folder stays inside the home.
      if (!SEGMENT.matcher(segment).matches() || segment.equals("..") || segment.startsWith(".")) {
        throw new IllegalArgumentException("path must be a relative folder of the home made of letters, digits, '_', '-' and '.'"
          + " (no '..' or hidden folders): " + text);
      }
    }
    Object open = body.getValue("public", false);
    if (!(open instanceof Boolean isOpen)) {
      throw new IllegalArgumentException("public must be true or false");
    }
    int timeout = whole(body, "timeout_seconds", 30, 1, (int) options.maxTimeout().toSeconds());
    int max = whole(body, "max_containers", Math.min(4, options.maxContainersPerFunction()), 1, options.maxContainersPerFunction());
    int min = whole(body, "min_containers", 0, 0, max);
    int concurrency = whole(body, "concurrency", 1, 1, 1000);
    return new PublishRequest(trimmed, isOpen, timeout, max, min, concurrency);
  }

  private static int whole(JsonObject body, String field, int fallback, int min, int max) {
    Object value = body.getValue(field, fallback);
    if (!(value instanceof Number number) || number.doubleValue() != number.longValue() || number.longValue() < min
      || number.longValue() > max) {
      throw new IllegalArgumentException(field + " must be a whole number from " + min + " to " + max);
    }
    return number.intValue();
  }
}
