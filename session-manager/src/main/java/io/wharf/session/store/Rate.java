package io.wharf.session.store;

import io.github.bucket4j.BucketConfiguration;

import java.time.Duration;

/**
 * A token bucket's shape: {@code capacity} tokens when full, {@code refill} tokens back per
 * {@code period}, one at a time (Bucket4j's greedy refill), so "n per window" lets one more
 * through every window/n rather than n at once when the window turns.
 */
public record Rate(long capacity, long refill, Duration period) {

  public Rate {
    if (capacity < 1 || refill < 1 || period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException("a rate needs a capacity, a refill and a period above 0");
    }
  }

  /** {@code count} tokens per {@code window}, all of them available at once. */
  public static Rate perWindow(long count, Duration window) {
    return new Rate(count, count, window);
  }

  /** The bucket's configuration, for the adapters. */
  public BucketConfiguration configuration() {
    return BucketConfiguration.builder()
      .addLimit(limit -> limit.capacity(capacity).refillGreedy(refill, period))
      .build();
  }
}
