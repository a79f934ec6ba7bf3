package io.wharf.functions;

import io.vertx.core.json.JsonObject;
import io.wharf.functions.async.AsyncCallOptions;

import java.time.Duration;

import static io.wharf.config.ConfigValues.requiredInt;
import static io.wharf.config.ConfigValues.requiredLong;
import static io.wharf.config.ConfigValues.requiredText;

/**
 * Settings of registered functions, read once at boot from the {@code functions} section of
 * {@code conf/wharf.yaml} (where every default lives) and {@code instance.id}. The container
 * limits of that section are the container manager's ({@code FunctionContainerOptions}).
 *
 * @param instanceId              the instance whose container manager runs this instance's function containers
 * @param perUser                 registered functions per user
 * @param maxContainersPerFunction the most containers a registration may ask for
 * @param maxTimeout              the longest timeout a registration may ask for
 * @param scaleDownWindow         how long demand must stay lower before containers are removed
 * @param idle                    without a call this long, a function scales to zero; zero keeps min_containers
 * @param queuePerFunction        calls that may wait for a free container, per function
 * @param maxBodyBytes            larger request bodies are refused before they are read
 * @param callsPerSecondPerKey    per-key refill rate
 * @param keyBurst                per-key bucket size
 * @param startTimeout            the longest wait for a function container to start
 * @param async                   durable async calls ({@code functions.async})
 * @param warmPoolSize            generic containers this instance keeps started for functions to claim; 0: none
 */
public record FunctionsOptions(String instanceId, int perUser, int maxContainersPerFunction, Duration maxTimeout,
                               Duration scaleDownWindow, Duration idle, int queuePerFunction, long maxBodyBytes,
                               int callsPerSecondPerKey, int keyBurst, Duration startTimeout,
                               AsyncCallOptions async, int warmPoolSize) {

  /** Without a warm pool. */
  public FunctionsOptions(String instanceId, int perUser, int maxContainersPerFunction, Duration maxTimeout,
                          Duration scaleDownWindow, Duration idle, int queuePerFunction, long maxBodyBytes,
                          int callsPerSecondPerKey, int keyBurst, Duration startTimeout, AsyncCallOptions async) {
    this(instanceId, perUser, maxContainersPerFunction, maxTimeout, scaleDownWindow, idle, queuePerFunction, maxBodyBytes,
      callsPerSecondPerKey, keyBurst, startTimeout, async, 0);
  }

  /** @param config the whole configuration, as {@code WharfConfig} loads it */
  public static FunctionsOptions fromJson(JsonObject config) {
    return new FunctionsOptions(
      requiredText(config, "instance.id"),
      requiredInt(config, "functions.per-user", 0, 10_000),
      requiredInt(config, "functions.max-containers-per-function", 1, 1_000),
      Duration.ofSeconds(requiredLong(config, "functions.max-timeout-seconds", 1, 86_400)),
      Duration.ofSeconds(requiredLong(config, "functions.scale-down-window-seconds", 0, 86_400)),
      Duration.ofSeconds(requiredLong(config, "functions.idle-seconds", 0, 30L * 86_400)),
      requiredInt(config, "functions.queue-per-function", 0, 1_000_000),
      requiredLong(config, "functions.max-body-bytes", 1, 1L << 30),
      requiredInt(config, "functions.calls-per-second-per-key", 0, 1_000_000),
      requiredInt(config, "functions.key-burst", 1, 1_000_000),
      Duration.ofSeconds(requiredLong(config, "functions.start-timeout-seconds", 1, 3_600)),
      AsyncCallOptions.fromJson(config),
      requiredInt(config, "functions.warm-pool-size", 0, 1_000));
  }
}
