package io.wharf.server;

import io.vertx.core.json.JsonObject;

import static io.wharf.config.ConfigValues.requiredSection;
import static io.wharf.config.ConfigValues.requiredString;

/**
 * The {@code logging} section, checked with the rest of the configuration before anything
 * starts: {@code format} (text or json) and {@code level} (logger name to level).
 */
record LoggingOptions(String format, JsonObject level) {

  static LoggingOptions fromJson(JsonObject config) {
    String format = requiredString(config, "logging.format");
    JsonObject level = requiredSection(config, "logging.level");
    JsonObject section = new JsonObject().put("format", format).put("level", level);
    // Both throw naming the key, as every other reader does.
    LoggingSetup.levels(section, false);
    return new LoggingOptions(LoggingSetup.format(section), level);
  }

  /** The section as {@link LoggingSetup} reads it. */
  JsonObject section() {
    return new JsonObject().put("format", format).put("level", level);
  }
}
