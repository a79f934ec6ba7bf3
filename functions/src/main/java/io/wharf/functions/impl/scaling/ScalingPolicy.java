package io.wharf.functions.impl.scaling;

import java.time.Duration;

/**
 * The settings every pool shares.
 *
 * @param scaleDownWindow demand must stay lower this long before containers go
 * @param idle            after this long without a call, no container is kept for the next one (min_containers aside)
 * @param queueLimit      calls that may wait for a free container
 */
public record ScalingPolicy(Duration scaleDownWindow, Duration idle, int queueLimit) {

  /**
   * Containers wanted for {@code demand} calls (in flight and queued): enough for each to have a
   * place at {@code concurrency} per container, one while the last call is recent, within min and max.
   */
  static int desired(int demand, int concurrency, boolean recentCall, int min, int max) {
    int byDemand = (demand + concurrency - 1) / concurrency;
    if (byDemand == 0 && recentCall) {
      byDemand = 1;
    }
    return Math.max(min, Math.min(max, byDemand));
  }
}
