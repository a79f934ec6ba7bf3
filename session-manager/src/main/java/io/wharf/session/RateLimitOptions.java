package io.wharf.session;

import io.vertx.core.json.JsonObject;
import io.wharf.session.limits.ClientAddress;

import java.time.Duration;
import java.util.List;

import static io.wharf.config.ConfigValues.requiredInt;
import static io.wharf.config.ConfigValues.requiredLong;
import static io.wharf.config.ConfigValues.requiredStrings;

/**
 * How much work callers can make the hub do: failed logins per account and per client address
 * in a window, API calls per token (or per signed-in user), and the bounded pool that hashes
 * passwords. Read from the {@code auth} section of {@code conf/wharf.yaml}, where the defaults live.
 *
 * @param loginAttemptsPerAccount failed logins on one account, from any address, per window; past it, only addresses
 *                                with no failure on that account in the window get their password checked
 * @param loginAttemptsPerAddress failed logins from one client address, on any accounts, per window
 * @param apiCallsPerSecond       sustained hub API calls per token or signed-in user; 0: unlimited
 * @param apiBurst                API calls one caller may make at once before the sustained rate applies
 * @param hashThreads             threads that hash passwords, apart from every other worker
 * @param hashQueue               password checks that may wait for those threads; more get 503
 * @param trustedProxies          addresses of load balancers whose {@code X-Forwarded-For} names the client
 */
public record RateLimitOptions(int loginAttemptsPerAccount, int loginAttemptsPerAddress, Duration loginWindow,
                               int apiCallsPerSecond, int apiBurst, int hashThreads, int hashQueue, List<String> trustedProxies) {

  public RateLimitOptions {
    trustedProxies = List.copyOf(trustedProxies);
  }

  /** @param config the whole configuration, as {@code WharfConfig} loads it */
  public static RateLimitOptions fromJson(JsonObject config) {
    List<String> trustedProxies = requiredStrings(config, "auth.trusted-proxies");
    // Checked here, so that a mistyped address stops the start.
    ClientAddress.create(trustedProxies);
    return new RateLimitOptions(
      requiredInt(config, "auth.login-attempts-per-account", 1, 1_000_000),
      requiredInt(config, "auth.login-attempts-per-address", 1, 1_000_000),
      Duration.ofSeconds(requiredLong(config, "auth.login-window-seconds", 1, 86_400)),
      requiredInt(config, "auth.api-calls-per-second", 0, 1_000_000),
      requiredInt(config, "auth.api-burst", 1, 1_000_000),
      requiredInt(config, "auth.password-hash-threads", 1, 256),
      requiredInt(config, "auth.password-hash-queue", 0, 100_000),
      trustedProxies);
  }
}
