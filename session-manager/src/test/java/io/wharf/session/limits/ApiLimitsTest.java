package io.wharf.session.limits;

import io.vertx.core.json.JsonObject;
import io.wharf.config.WharfConfig;
import io.wharf.session.RateLimitOptions;
import io.wharf.session.testing.InMemoryState;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static io.wharf.session.testing.HubServerExtension.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The API rate on its own: the shipped default, and 0 for none. */
class ApiLimitsTest {

  private final InMemoryState state = new InMemoryState();

  private ApiLimits limits(int perSecond) {
    JsonObject config = WharfConfig.defaults();
    if (perSecond >= 0) {
      config.getJsonObject("auth").put("api-calls-per-second", perSecond);
    }
    return new ApiLimits(state.shared().rateLimits(), RateLimitOptions.fromJson(config));
  }

  @Test
  void theShippedDefaultAllowsABurstOf100ThenFiftyASecond() {
    ApiLimits limits = limits(-1);
    long start = System.nanoTime();
    int allowed = 0;
    for (int i = 0; i < 300; i++) {
      allowed += await(limits.token("hash")) == 0 ? 1 : 0;
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    assertTrue(allowed >= 100 && allowed <= 100 + 50 * seconds + 1, allowed + " calls allowed in " + seconds + " s");
    long wait = await(limits.token("hash"));
    assertTrue(wait <= TimeUnit.MILLISECONDS.toNanos(20), "one call back every 20 ms, wait " + wait);
  }

  @Test
  void zeroCallsPerSecondMeansNoLimitAndNoBuckets() {
    ApiLimits limits = limits(0);
    for (int i = 0; i < 1000; i++) {
      assertEquals(0L, await(limits.session("alice")));
    }
    assertNull(state.rateLimits().available("api-user:alice"));
  }
}
