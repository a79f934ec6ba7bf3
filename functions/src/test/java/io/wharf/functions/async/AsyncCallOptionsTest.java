package io.wharf.functions.async;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AsyncCallOptionsTest {

  static JsonObject section() {
    return new JsonObject().put("max-attempts", 5).put("backoff-initial-ms", 1000).put("backoff-max-ms", 60000)
      .put("lease-seconds", 30).put("retention-seconds", 86400).put("max-queued-per-function", 1000)
      .put("max-running", 16).put("poll-interval-ms", 500).put("call-timeout-seconds", 30);
  }

  static JsonObject config(JsonObject async) {
    return new JsonObject().put("functions", new JsonObject().put("async", async));
  }

  @Test
  void everyKeyUnderFunctionsAsyncIsRead() {
    AsyncCallOptions options = AsyncCallOptions.fromJson(config(section()));
    assertEquals(new AsyncCallOptions(5, Duration.ofSeconds(1), Duration.ofMinutes(1), Duration.ofSeconds(30),
      Duration.ofDays(1), 1000, 16, Duration.ofMillis(500), Duration.ofSeconds(30)), options);
  }

  @Test
  void everyKeyIsRequiredAndTypeChecked() {
    for (String key : section().fieldNames()) {
      JsonObject missing = section();
      missing.remove(key);
      IllegalArgumentException absent = assertThrows(IllegalArgumentException.class, () -> AsyncCallOptions.fromJson(config(missing)));
      assertTrue(absent.getMessage().contains("functions.async." + key), absent.getMessage());
      assertThrows(IllegalArgumentException.class, () -> AsyncCallOptions.fromJson(config(section().put(key, "soon"))), key);
    }
    assertThrows(IllegalArgumentException.class,
      () -> AsyncCallOptions.fromJson(config(section().put("backoff-max-ms", 10))), "a maximum below the first wait");
  }

  @Test
  void theBackoffDoublesPerAttemptUpToItsMaximum() {
    AsyncCallOptions options = AsyncCallOptions.fromJson(config(section()));
    assertEquals(Duration.ofSeconds(1), options.backoffAfter(1));
    assertEquals(Duration.ofSeconds(2), options.backoffAfter(2));
    assertEquals(Duration.ofSeconds(32), options.backoffAfter(6));
    assertEquals(Duration.ofMinutes(1), options.backoffAfter(7));
    assertEquals(Duration.ofMinutes(1), options.backoffAfter(99));
  }
}
