package io.wharf.session.store;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
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

  private final Async async;
  private final AsyncProxyManager<String> buckets;

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
