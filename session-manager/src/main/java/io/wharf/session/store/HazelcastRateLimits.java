package io.wharf.session.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.distributed.proxy.optimization.DelayParameters;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.github.bucket4j.grid.hazelcast.Bucket4jHazelcast;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Rate-limit buckets in the {@code wharf-rate-limits} map, through Bucket4j's Hazelcast back end:
 * each call is one entry processor run on the partition that owns the bucket, so concurrent calls
 * from every instance count against one bucket without a lock or a retry.
 */
final class HazelcastRateLimits implements RateLimitStore {

  // A bucket that has refilled is the same as a new one: drop it soon after, so a flood of keys
  // (addresses, typed user names) leaves nothing behind once it stops.
  private static final Duration KEEP_FULL = Duration.ofSeconds(10);

  // takeFromLocalCopy: this instance's copies of request-path buckets, written back to the map
  // every SYNC_PERIOD or every tenth of the bucket's capacity taken (at most SYNC_TOKENS_MAX, at
  // least 1, which is no copy at all), and at once when a copy cannot serve a take. A round trip
  // to the bucket's partition costs about 15 µs of CPU (three thread hand-offs), a quarter of what
  // a function call costs through Wharf; from the copy, well under 1 µs. A bounded cache holds the
  // copies; one evicted or idle takes with it at most its unsynchronised tokens.
  static final Duration SYNC_PERIOD = Duration.ofMillis(50);
  static final long SYNC_TOKENS_MAX = 100;
  private static final int LOCAL_COPIES = 10_000;
  private static final Duration LOCAL_COPY_IDLE = Duration.ofMinutes(1);

  private final Async async;
  private final AsyncProxyManager<String> buckets;
  private final Cache<LocalCopy, AsyncBucketProxy> localCopies = Caffeine.newBuilder()
    .maximumSize(LOCAL_COPIES)
    .expireAfterAccess(LOCAL_COPY_IDLE)
    .executor(Runnable::run)
    .build();

  private record LocalCopy(String key, Rate rate) {
  }

  HazelcastRateLimits(Vertx vertx, HazelcastInstance hazelcast) {
    this.async = new Async(vertx);
    IMap<String, byte[]> map = hazelcast.getMap(HazelcastMaps.RATE_LIMITS);
    this.buckets = Bucket4jHazelcast.entryProcessorBasedBuilder(map)
      .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(KEEP_FULL))
      .build()
      .asAsync();
  }

  @Override
  public Future<Long> take(String key, Rate rate) {
    return async.adapt(bucket(key, rate).tryConsumeAndReturnRemaining(1))
      .map(probe -> probe.isConsumed() ? 0L : Math.max(1L, probe.getNanosToWaitForRefill()));
  }

  @Override
  public Future<Long> takeFromLocalCopy(String key, Rate rate) {
    AsyncBucketProxy bucket = localCopies.get(new LocalCopy(key, rate), copy -> buckets.builder()
      .withOptimization(Optimizations.delaying(new DelayParameters(syncEvery(rate), SYNC_PERIOD)))
      .build(key, () -> CompletableFuture.completedFuture(rate.configuration())));
    // A take the copy answers has completed already: no hand-off to the caller's context.
    return async.read(bucket.tryConsumeAndReturnRemaining(1))
      .map(probe -> probe.isConsumed() ? 0L : Math.max(1L, probe.getNanosToWaitForRefill()));
  }

  static long syncEvery(Rate rate) {
    return Math.max(1, Math.min(SYNC_TOKENS_MAX, rate.capacity() / 10));
  }

  @Override
  public Future<Void> giveBack(String key, Rate rate) {
    return async.adapt(bucket(key, rate).addTokens(1));
  }

  @Override
  public Future<Long> check(String key, Rate rate) {
    return async.adapt(bucket(key, rate).estimateAbilityToConsume(1))
      .map(probe -> probe.canBeConsumed() ? 0L : Math.max(1L, probe.getNanosToWaitForRefill()));
  }

  @Override
  public Future<Void> charge(String key, Rate rate) {
    return async.adapt(bucket(key, rate).consumeIgnoringRateLimits(1)).mapEmpty();
  }

  private AsyncBucketProxy bucket(String key, Rate rate) {
    return buckets.builder().build(key, () -> CompletableFuture.completedFuture(rate.configuration()));
  }
}
