package io.wharf.functions.impl.scaling;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ScalingPolicyTest {

  @Test
  void enoughContainersForEveryCallAtTheirConcurrency() {
    assertEquals(3, ScalingPolicy.desired(5, 2, false, 0, 10));
    assertEquals(16, ScalingPolicy.desired(16, 1, true, 0, 16));
  }

  @Test
  void clampedToMinAndMax() {
    assertEquals(4, ScalingPolicy.desired(16, 1, true, 0, 4));
    assertEquals(2, ScalingPolicy.desired(0, 1, false, 2, 4));
  }

  @Test
  void oneStaysWhileTheLastCallIsRecentAndNoneAfter() {
    assertEquals(1, ScalingPolicy.desired(0, 1, true, 0, 4));
    assertEquals(0, ScalingPolicy.desired(0, 1, false, 0, 4));
  }
}
