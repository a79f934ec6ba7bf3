package io.wharf.session.store;

import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rate-limit buckets against a real (embedded, single-member) Hazelcast: what only Hazelcast
 * can show, that Bucket4j's entry processors and serializers run there, that buckets live in the
 * shared map, and that concurrent takes never hand out more than the capacity.
 */
class HazelcastRateLimitsTest {

  private static Vertx vertx;
  private static HazelcastInstance hazelcast;
  private static RateLimitStore limits;

  @BeforeAll
  static void start() {
    hazelcast = EmbeddedHazelcast.start("rate-limit-test");
    vertx = Vertx.vertx();
    limits = HazelcastMaps.sharedState(vertx, hazelcast).rateLimits();
  }

  @AfterAll
  static void stop() throws Exception {
    await(vertx.close());
    hazelcast.shutdown();
  }

  @Test
  void concurrentTakesGetNoMoreThanTheCapacityAndTheRestAreToldHowLongToWait() throws Exception {
    Rate rate = Rate.perWindow(5, Duration.ofMinutes(10));
    List<Future<Long>> takes = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      takes.add(limits.take("burst", rate));
    }
    List<Long> waits = await(Future.all(takes)).list();
    assertEquals(5, waits.stream().filter(wait -> wait == 0).count(), "taken: " + waits);
    // One token comes back every two minutes.
    assertTrue(waits.stream().filter(wait -> wait > 0)
      .allMatch(wait -> wait > TimeUnit.SECONDS.toNanos(100) && wait <= TimeUnit.MINUTES.toNanos(2)), "waits: " + waits);
    assertTrue(hazelcast.getMap(HazelcastMaps.RATE_LIMITS).containsKey("burst"), "the bucket is in the cluster's map");
  }

  @Test
  void aTokenGivenBackCanBeTakenAgainButNotPastTheCapacity() throws Exception {
    Rate rate = Rate.perWindow(1, Duration.ofMinutes(10));
    assertEquals(0L, await(limits.take("refund", rate)));
    assertTrue(await(limits.take("refund", rate)) > 0);
    await(limits.giveBack("refund", rate));
    await(limits.giveBack("refund", rate));
    assertEquals(0L, await(limits.take("refund", rate)));
    assertTrue(await(limits.take("refund", rate)) > 0, "the second refund did not overfill the bucket");
  }

  @Test
  void aCheckTakesNothingAndAChargeCanGoIntoDebt() throws Exception {
    Rate rate = Rate.perWindow(2, Duration.ofMinutes(10));
    for (int i = 0; i < 5; i++) {
      assertEquals(0L, await(limits.check("debt", rate)));
    }
    for (int i = 0; i < 4; i++) {
      await(limits.charge("debt", rate));
    }
    // Two tokens owed and one more to have one: three refills of five minutes.
    long wait = await(limits.check("debt", rate));
    assertTrue(wait > TimeUnit.MINUTES.toNanos(14) && wait <= TimeUnit.MINUTES.toNanos(15), "wait " + wait);
    assertTrue(await(limits.take("debt", rate)) > 0);
  }

  @Test
  void anEmptyBucketRefillsOverItsPeriod() throws Exception {
    Rate rate = Rate.perWindow(1, Duration.ofMillis(200));
    assertEquals(0L, await(limits.take("refill", rate)));
    long wait = await(limits.take("refill", rate));
    assertTrue(wait > 0 && wait <= TimeUnit.MILLISECONDS.toNanos(200), "wait: " + wait);
    Thread.sleep(TimeUnit.NANOSECONDS.toMillis(wait) + 20);
    assertEquals(0L, await(limits.take("refill", rate)));
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
