package io.wharf.session.store;

import io.vertx.core.Future;

/**
 * Token buckets shared by the cluster, for rate limits. A bucket is named by its key and made full,
 * shaped by the given {@link Rate}, when first used; a full bucket may be forgotten, since a new one
 * would be the same. Every call on a key passes the same rate.
 */
public interface RateLimitStore {

  /** Takes one token from bucket {@code key}: 0 when it was taken, else the nanoseconds until one is back. */
  Future<Long> take(String key, Rate rate);

  /**
   * {@link #take} for limits on the request path (function calls, hub API calls), where a round
   * trip to the shared bucket would cost more than the request: most takes are answered from this
   * instance's copy of the bucket, which is written back to the shared one every few tokens or
   * milliseconds, and at once when the copy has run dry. The price is precision across a cluster:
   * each instance may let through a few tokens the others have already taken. Not for limits
   * that guard credentials. By default the same as {@link #take}.
   */
  default Future<Long> takeFromLocalCopy(String key, Rate rate) {
    return take(key, rate);
  }

  /** Puts one token back into bucket {@code key} (a refund of {@link #take}), never past its capacity. */
  Future<Void> giveBack(String key, Rate rate);

  /** 0 when bucket {@code key} has a token, else the nanoseconds until it has one; takes nothing. */
  Future<Long> check(String key, Rate rate);

  /** Takes one token from bucket {@code key} even when it has none: it goes into debt, repaid as it refills. */
  Future<Void> charge(String key, Rate rate);
}
