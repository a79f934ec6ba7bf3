package io.wharf.session.testing;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.EstimationProbe;
import io.github.bucket4j.TimeMeter;
import io.vertx.core.Future;
import io.wharf.session.store.Rate;
import io.wharf.session.store.RateLimitStore;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Rate-limit buckets in memory: Bucket4j's local buckets, the same arithmetic as the cluster's,
 * on a clock a test can move forward ({@link #advance}) to see a window pass without waiting.
 */
public final class InMemoryRateLimits implements RateLimitStore {

  private final InMemoryState state;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
  private final AtomicLong skipped = new AtomicLong();
  private final TimeMeter clock = new TimeMeter() {
    @Override
    public long currentTimeNanos() {
      return System.nanoTime() + skipped.get();
    }

    @Override
    public boolean isWallClockBased() {
      return false;
    }
  };

  InMemoryRateLimits(InMemoryState state) {
    this.state = state;
  }

  /** Moves the buckets' clock forward by {@code time}: they refill as if it had passed. */
  public void advance(Duration time) {
    skipped.addAndGet(time.toNanos());
  }

  /** Forgets every bucket, as if each had refilled. */
  public void clear() {
    buckets.clear();
  }

  /** The tokens left in bucket {@code key} (below 0: in debt), or null when it has never been used. */
  public Long available(String key) {
    Bucket bucket = buckets.get(key);
    return bucket == null ? null : bucket.getAvailableTokens();
  }

  @Override
  public Future<Long> take(String key, Rate rate) {
    ConsumptionProbe probe = bucket(key, rate).tryConsumeAndReturnRemaining(1);
    return state.answer(probe.isConsumed() ? 0L : Math.max(1L, probe.getNanosToWaitForRefill()));
  }

  @Override
  public Future<Void> giveBack(String key, Rate rate) {
    bucket(key, rate).addTokens(1);
    return state.answer(null);
  }

  @Override
  public Future<Long> check(String key, Rate rate) {
    EstimationProbe probe = bucket(key, rate).estimateAbilityToConsume(1);
    return state.answer(probe.canBeConsumed() ? 0L : Math.max(1L, probe.getNanosToWaitForRefill()));
  }

  @Override
  public Future<Void> charge(String key, Rate rate) {
    bucket(key, rate).consumeIgnoringRateLimits(1);
    return state.answer(null);
  }

  private Bucket bucket(String key, Rate rate) {
    return buckets.computeIfAbsent(key, k -> Bucket.builder()
      .addLimit(rate.configuration().getBandwidths()[0])
      .withCustomTimePrecision(clock)
      .build());
  }
}
