package io.wharf.session.limits;

import io.vertx.core.Future;
import io.wharf.session.RateLimitOptions;
import io.wharf.session.store.Rate;
import io.wharf.session.store.RateLimitStore;

import java.time.Duration;

/**
 * Hub API calls per caller, cluster-wide: a burst, then a sustained rate. A caller is an API
 * token (by the hash of its secret) or, for calls with the session cookie, the signed-in user.
 * Only authenticated calls are counted, so made-up tokens leave no buckets behind.
 */
public final class ApiLimits {

  private final RateLimitStore store;
  private final Rate rate;

  public ApiLimits(RateLimitStore store, RateLimitOptions options) {
    this.store = store;
    this.rate = options.apiCallsPerSecond() == 0 ? null
      : new Rate(options.apiBurst(), options.apiCallsPerSecond(), Duration.ofSeconds(1));
  }

  /** 0 when a call by the token with this hash may go ahead, else the nanoseconds to wait. */
  public Future<Long> token(String tokenHash) {
    return take("api-token:" + tokenHash);
  }

  /** 0 when a call with {@code user}'s session cookie may go ahead, else the nanoseconds to wait. */
  public Future<Long> session(String user) {
    return take("api-user:" + user);
  }

  private Future<Long> take(String key) {
    return rate == null ? Future.succeededFuture(0L) : store.takeFromLocalCopy(key, rate);
  }
}
