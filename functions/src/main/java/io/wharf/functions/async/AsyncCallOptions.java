package io.wharf.functions.async;

import io.vertx.core.json.JsonObject;

import java.time.Duration;

import static io.wharf.config.ConfigValues.requiredInt;
import static io.wharf.config.ConfigValues.requiredSection;

/**
 * How durable async calls are retried, leased, kept and bounded, from {@code functions.async}.
 * The yaml keys, with the defaults {@code conf/wharf.yaml} should ship:
 * <pre>
 * functions:
 *   async:
 *     # Attempts of one call in all (the first included) before it is marked failed; a 5xx
 *     # answer, a timeout or no answer is retried, a 4xx is final.
 *     max-attempts: 5
 *     # Wait before the second attempt; doubled for each further one, up to backoff-max-ms,
 *     # with up to a quarter of random jitter.
 *     backoff-initial-ms: 1000
 *     backoff-max-ms: 60000
 *     # A running call is held by its instance this long unless renewed (every third of it);
 *     # when the instance stops, another one takes the call over after this time.
 *     lease-seconds: 30
 *     # An ended call (its state and result) is kept this long, then deleted.
 *     retention-seconds: 86400
 *     # Calls queued or running per function, cluster-wide; past it a submission answers 503.
 *     max-queued-per-function: 1000
 *     # Calls this instance runs at once, all functions together.
 *     max-running: 16
 *     # How often an idle instance looks for due calls (a submission on it starts one at once).
 *     poll-interval-ms: 500
 *     # Timeout of a call submitted without the function's own.
 *     call-timeout-seconds: 30
 * </pre>
 */
public record AsyncCallOptions(int maxAttempts, Duration backoffInitial, Duration backoffMax, Duration lease,
                               Duration retention, int maxQueuedPerFunction, int maxRunning, Duration pollInterval,
                               Duration callTimeout) {

  public AsyncCallOptions {
    if (maxAttempts < 1 || maxQueuedPerFunction < 1 || maxRunning < 1) {
      throw new IllegalArgumentException("max-attempts, max-queued-per-function and max-running must be at least 1");
    }
    if (backoffMax.compareTo(backoffInitial) < 0) {
      throw new IllegalArgumentException("functions.async.backoff-max-ms must not be below backoff-initial-ms");
    }
  }

  /** The options under {@code functions.async} of the whole configuration. */
  public static AsyncCallOptions fromJson(JsonObject config) {
    requiredSection(config, "functions.async");
    String p = "functions.async.";
    return new AsyncCallOptions(
      requiredInt(config, p + "max-attempts", 1, 100),
      Duration.ofMillis(requiredInt(config, p + "backoff-initial-ms", 1, 3_600_000)),
      Duration.ofMillis(requiredInt(config, p + "backoff-max-ms", 1, 86_400_000)),
      Duration.ofSeconds(requiredInt(config, p + "lease-seconds", 1, 3600)),
      Duration.ofSeconds(requiredInt(config, p + "retention-seconds", 1, 90 * 86_400)),
      requiredInt(config, p + "max-queued-per-function", 1, 1_000_000),
      requiredInt(config, p + "max-running", 1, 10_000),
      Duration.ofMillis(requiredInt(config, p + "poll-interval-ms", 10, 60_000)),
      Duration.ofSeconds(requiredInt(config, p + "call-timeout-seconds", 1, 3600)));
  }

  /** The wait before attempt {@code attempt + 1}, after {@code attempt} attempts, before jitter. */
  Duration backoffAfter(int attempt) {
    long initial = backoffInitial.toMillis();
    long doubled = initial << Math.min(Math.max(attempt - 1, 0), 30);
    return Duration.ofMillis(Math.min(doubled < initial ? Long.MAX_VALUE : doubled, backoffMax.toMillis()));
  }
}
