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
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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

  @Test
  void takesFromTheLocalCopyStopAtTheCapacityOnOneInstance() throws Exception {
    Rate rate = Rate.perWindow(50, Duration.ofMinutes(10));
    List<Long> waits = new ArrayList<>();
    for (int i = 0; i < 80; i++) {
      waits.add(await(limits.takeFromLocalCopy("copy-one", rate)));
    }
    assertEquals(50, waits.stream().filter(wait -> wait == 0).count(), "taken: " + waits);
    assertTrue(waits.subList(50, 80).stream().allMatch(wait -> wait > TimeUnit.SECONDS.toNanos(10)), "waits: " + waits);
    assertTrue(hazelcast.getMap(HazelcastMaps.RATE_LIMITS).containsKey("copy-one"), "the bucket is in the cluster's map");
  }

  @Test
  void twoInstancesCopiesOfOneBucketLetThroughAtMostTheirUnsynchronisedTokensMore() throws Exception {
    RateLimitStore other = HazelcastMaps.sharedState(vertx, hazelcast).rateLimits();
    Rate rate = Rate.perWindow(100, Duration.ofMinutes(10));
    long slack = HazelcastRateLimits.syncEvery(rate);
    int taken = 0;
    for (int i = 0; i < 150; i++) {
      RateLimitStore instance = i % 2 == 0 ? limits : other;
      if (await(instance.takeFromLocalCopy("copy-two", rate)) == 0) {
        taken++;
      }
    }
    assertTrue(taken >= 100 && taken <= 100 + 2 * slack, "taken " + taken + " of 100, slack " + slack + " each");
    // Once both copies have written back, the shared bucket is empty for everyone.
    assertTrue(await(limits.take("copy-two", rate)) > 0);
  }

  @Test
  void aCopyIsWrittenBackEveryTenthOfTheBurstAtMostEveryHundredTokens() {
    assertEquals(10, HazelcastRateLimits.syncEvery(new Rate(100, 50, Duration.ofSeconds(1))));
    assertEquals(HazelcastRateLimits.SYNC_TOKENS_MAX, HazelcastRateLimits.syncEvery(Rate.perWindow(1_000_000, Duration.ofSeconds(1))));
    assertEquals(1, HazelcastRateLimits.syncEvery(Rate.perWindow(5, Duration.ofSeconds(1))), "a small bucket has no copy to speak of");
  }

  @Test
  void takesWithinTheSyncPeriodStayInTheCopy() throws Exception {
    Rate rate = Rate.perWindow(100, Duration.ofMinutes(10));
    long start = System.nanoTime();
    for (int i = 0; i < 5; i++) {
      assertEquals(0L, await(limits.takeFromLocalCopy("copy-local", rate)));
    }
    assumeTrue(System.nanoTime() - start < HazelcastRateLimits.SYNC_PERIOD.toNanos(), "the five takes were not quick enough to tell");
    long left = 0;
    while (await(limits.take("copy-local", rate)) == 0) {
      left++;
    }
    // The first take made the copy (a round trip); the next four were answered by it alone.
    assertEquals(99, left, "the shared bucket saw only the first take");
  }

  @Test
  void aCopyWritesItsTakesBackWithinTheSyncPeriod() throws Exception {
    Rate rate = Rate.perWindow(100, Duration.ofMinutes(10));
    for (int i = 0; i < 5; i++) {
      assertEquals(0L, await(limits.takeFromLocalCopy("copy-sync", rate)));
    }
    Thread.sleep(HazelcastRateLimits.SYNC_PERIOD.toMillis() + 20);
    // The sixth take is past the period: it carries the five to the shared bucket.
    assertEquals(0L, await(limits.takeFromLocalCopy("copy-sync", rate)));
    long left = 0;
    while (await(limits.take("copy-sync", rate)) == 0) {
      left++;
    }
    assertEquals(94, left, "the shared bucket saw the copy's six takes");
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
