package io.wharf.session;

import io.vertx.core.json.JsonObject;
import io.wharf.container.LimitProfiles;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import static io.wharf.config.ConfigValues.requiredInt;
import static io.wharf.config.ConfigValues.requiredLong;
import static io.wharf.config.ConfigValues.optionalDirectory;
import static io.wharf.config.ConfigValues.requiredMatching;
import static io.wharf.config.ConfigValues.requiredString;
import static io.wharf.config.ConfigValues.requiredStrings;
import static io.wharf.config.ConfigValues.requiredText;

/**
 * The session manager's configuration, read once at boot from the sections of
 * {@code conf/wharf.yaml} it uses (where every default lives) and checked there, so a bad
 * value stops the start instead of the first request.
 *
 * @param staticDir           the configured directory of the hub's pages; null for the jar's own ({@link Pages})
 * @param localContainers     whether this instance also runs the container-manager role
 * @param cookieSecret        base64 cookie-signing secrets, comma-separated, the first signs; empty to use the data directory's
 * @param launchTimeoutMillis how long a launch may take end to end (the readiness timeout and a minute)
 * @param limits              login and API rate limits and the password-hashing pool
 * @param store               where accounts and tokens are kept durably
 * @param oidc                single sign-on with an OpenID Connect provider (off by default)
 * @param homeRetentionMillis how long a deleted user's home volumes are kept; 0 to remove them at once
 * @param services            the JupyterHub services that may call the API with their tokens
 */
public record SessionManagerOptions(
  String instanceId, String advertiseAddress, Path dataDir, Path staticDir, boolean localContainers,
  String cookieName, String cookieSecret, Duration cookieTtl, String adminUser, String adminPassword, int passwordIterations,
  String image, LimitProfiles profiles, long launchTimeoutMillis,
  int concurrentLaunches, int launchQueue, int serversPerUser, int namedServersPerUser,
  long cullIdleMillis, long cullMaxAgeMillis, long cullIntervalMillis, long lostTimeoutMillis, RateLimitOptions limits,
  StoreOptions store, OidcOptions oidc, long homeRetentionMillis, List<ServiceOptions> services) {

  /** A cookie name as RFC 6265 allows it (a token). */
  private static final Pattern COOKIE_NAME = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]+");

  /** @param config the whole configuration, as {@code WharfConfig} loads it */
  public static SessionManagerOptions fromJson(JsonObject config) {
    return new SessionManagerOptions(
      requiredText(config, "instance.id"),
      requiredText(config, "cluster.advertise-address"),
      Path.of(requiredText(config, "instance.data-dir")).toAbsolutePath(),
      optionalDirectory(config, "router.static-dir"),
      requiredStrings(config, "instance.roles").contains("container-manager"),
      requiredMatching(config, "auth.cookie-name", COOKIE_NAME),
      requiredString(config, "auth.cookie-secret"),
      Duration.ofSeconds(requiredLong(config, "auth.cookie-ttl-seconds", 1, Integer.MAX_VALUE)),
      requiredText(config, "auth.admin-user"),
      requiredString(config, "auth.admin-password"),
      requiredInt(config, "auth.password-iterations", 1_000, 100_000_000),
      requiredText(config, "containers.image"),
      LimitProfiles.fromJson(config),
      (requiredLong(config, "containers.ready-timeout-seconds", 1, 86_400) + 60) * 1000,
      requiredInt(config, "servers.concurrent-launches", 1, 10_000),
      requiredInt(config, "servers.launch-queue", 0, 1_000_000),
      requiredInt(config, "servers.per-user", 1, 10_000),
      requiredInt(config, "servers.named-per-user", 0, 10_000),
      requiredLong(config, "servers.cull-idle-seconds", 0, Long.MAX_VALUE / 1000) * 1000,
      requiredLong(config, "servers.cull-max-age-seconds", 0, Long.MAX_VALUE / 1000) * 1000,
      requiredLong(config, "servers.cull-interval-seconds", 1, 86_400) * 1000,
      requiredLong(config, "cluster.lost-timeout-seconds", 1, 86_400) * 1000,
      RateLimitOptions.fromJson(config),
      StoreOptions.fromJson(config),
      OidcOptions.fromJson(config),
      requiredLong(config, "containers.home-retention-seconds", 0, 10L * 366 * 86_400) * 1000,
      ServiceOptions.fromJson(config));
  }
}
