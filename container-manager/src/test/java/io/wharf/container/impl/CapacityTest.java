package io.wharf.container.impl;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CapacityTest {

  @Test
  void withNotebooksFirstAFunctionContainerNeverTakesTheLastPlace() {
    assertTrue(Capacity.functionFits(2, 1, 4, true));
    assertFalse(Capacity.functionFits(3, 1, 4, true), "the fourth place stays a notebook's");
    assertTrue(Capacity.functionFits(3, 1, 4, false), "without notebooks first, functions take it");
    assertFalse(Capacity.functionFits(4, 1, 4, false));
  }

  @Test
  void aNotebookOnAFullInstanceRemovesOnlyTheWarmContainersItNeeds() {
    // 3 running besides 2 warm on 5 places: the sixth container (this launch) needs one warm place.
    assertEquals(1, Capacity.warmToRelease(3, 2, 1, 5, 0, 0, 0, 0, 512));
    assertEquals(0, Capacity.warmToRelease(2, 2, 1, 5, 0, 0, 0, 0, 512), "room without them");
    assertEquals(2, Capacity.warmToRelease(4, 2, 2, 5, 0, 0, 0, 0, 512), "two launches at once");
    assertEquals(1, Capacity.warmToRelease(5, 1, 1, 5, 0, 0, 0, 0, 512), "never more than there are");
  }

  @Test
  void memoryCanBeWhatMakesRoomNeeded() {
    long gib = 1L << 30;
    // 3 GiB reserved, 2 warm of 1 GiB, a notebook of 1 GiB, 5 GiB at most: one warm container goes.
    assertEquals(1, Capacity.warmToRelease(3, 2, 1, 100, 3 * gib, 2 * gib, gib, 5 * gib, gib));
    assertEquals(2, Capacity.warmToRelease(3, 2, 1, 100, 4 * gib, 2 * gib, gib, 5 * gib, gib));
    assertEquals(0, Capacity.warmToRelease(3, 2, 1, 100, 4 * gib, 2 * gib, gib, 0, gib), "no memory limit");
  }
}
