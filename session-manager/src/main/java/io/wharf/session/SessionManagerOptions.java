package io.wharf.session;

import io.vertx.core.json.JsonObject;
import io.wharf.container.ConfigValues;
import io.wharf.container.LimitProfiles;

import java.nio.file.Path;

/**
 * The session manager's configuration, read once at boot from the sections of
 * {@code conf/wharf.yaml} it uses (where every default lives) and checked there, so a bad
 * value stops the start instead of the first request.
 *
 * @param localContainers     whether this instance also runs the container-manager role
 * @param launchTimeoutMillis how long a launch may take end to end (the readiness timeout and a minute)
 */
public record SessionManagerOptions(
  String instanceId, String advertiseAddress, Path dataDir, Path staticDir, boolean localContainers,
  String cookieName, String adminUser, String adminPassword, int passwordIterations,
  String image, LimitProfiles profiles, long launchTimeoutMillis,
  int concurrentLaunches, int launchQueue, int serversPerUser, int namedServersPerUser,
  long cullIdleMillis, long cullMaxAgeMillis, long cullIntervalMillis, long lostTimeoutMillis) {

  /** @param config the whole configuration, as {@code WharfConfig} loads it */
  public static SessionManagerOptions fromJson(JsonObject config) {
    JsonObject instance = section(config, "instance");
    JsonObject auth = section(config, "auth");
    JsonObject containers = section(config, "containers");
    JsonObject servers = section(config, "servers");
    JsonObject cluster = section(config, "cluster");
    return new SessionManagerOptions(
      text(instance, "id"),
      text(cluster, "advertise-address"),
      Path.of(text(instance, "data-dir")).toAbsolutePath(),
      Path.of(text(section(config, "router"), "static-dir")).toAbsolutePath(),
      ConfigValues.strings(instance.getValue("roles")).contains("container-manager"),
      text(auth, "cookie-name"),
      text(auth, "admin-user"),
      auth.getString("admin-password", ""),
      (int) number(auth, "password-iterations", 1_000, 100_000_000),
      text(containers, "image"),
      LimitProfiles.fromJson(containers),
      (number(containers, "ready-timeout-seconds", 1, 86_400) + 60) * 1000,
      (int) number(servers, "concurrent-launches", 1, 10_000),
      (int) number(servers, "launch-queue", 0, 1_000_000),
      (int) number(servers, "per-user", 1, 10_000),
      (int) number(servers, "named-per-user", 0, 10_000),
      number(servers, "cull-idle-seconds", 0, Long.MAX_VALUE / 1000) * 1000,
      number(servers, "cull-max-age-seconds", 0, Long.MAX_VALUE / 1000) * 1000,
      number(servers, "cull-interval-seconds", 1, 86_400) * 1000,
      number(cluster, "lost-timeout-seconds", 1, 86_400) * 1000);
  }

  private static JsonObject section(JsonObject config, String name) {
    JsonObject section = config.getJsonObject(name);
    if (section == null) {
      throw new IllegalArgumentException("the configuration has no '" + name + "' section");
    }
    return section;
  }

  private static String text(JsonObject section, String key) {
    String value = section.getValue(key) == null ? null : section.getValue(key).toString();
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(key + " must be set");
    }
    return value;
  }

  private static long number(JsonObject section, String key, long min, long max) {
    Number value = ConfigValues.number(section, key, null);
    if (value == null) {
      throw new IllegalArgumentException(key + " must be set");
    }
    if (value.longValue() < min || value.longValue() > max) {
      throw new IllegalArgumentException(key + " must be between " + min + " and " + max + ": " + value);
    }
    return value.longValue();
  }
}
