package io.wharf.session.lifecycle;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpawnQueueTest {

  private final List<String> started = new ArrayList<>();
  private final Map<String, Integer> positions = new LinkedHashMap<>();
  private final SpawnQueue queue = new SpawnQueue(2, 3, positions::put);

  private boolean submit(String key) {
    return queue.submit(key, () -> started.add(key));
  }

  @Test
  void runsUpToTheLimitAtOnceAndLinesUpTheRest() {
    assertTrue(submit("a"));
    assertTrue(submit("b"));
    assertTrue(submit("c"));
    assertTrue(submit("d"));
    assertEquals(List.of("a", "b"), started);
    assertEquals(Map.of("c", 1, "d", 2), positions);
    assertEquals(2, queue.waiting());
    assertEquals(2, queue.running());
  }

  @Test
  void refusesOnlyPastTheBound() {
    for (String key : List.of("a", "b", "c", "d", "e")) {
      assertTrue(submit(key), key);
    }
    assertFalse(queue.hasRoom());
    assertFalse(submit("f"));
    assertFalse(started.contains("f"));
    queue.done();
    assertTrue(queue.hasRoom());
  }

  @Test
  void aFinishedLaunchStartsTheNextAndMovesTheLineUp() {
    for (String key : List.of("a", "b", "c", "d", "e")) {
      submit(key);
    }
    positions.clear();
    queue.done();
    assertEquals(List.of("a", "b", "c"), started);
    assertEquals(Map.of("d", 1, "e", 2), positions);
    assertEquals(2, queue.running());

    queue.done();
    queue.done();
    queue.done();
    queue.done();
    assertEquals(List.of("a", "b", "c", "d", "e"), started);
    assertEquals(0, queue.running());
    assertEquals(0, queue.waiting());
  }

  @Test
  void aCancelledLaunchNeverStarts() {
    for (String key : List.of("a", "b", "c", "d")) {
      submit(key);
    }
    assertTrue(queue.cancel("c"));
    assertFalse(queue.cancel("c"));
    queue.done();
    assertEquals(List.of("a", "b", "d"), started);
  }

  @Test
  void needsAtLeastOneSlot() {
    assertThrows(IllegalArgumentException.class, () -> new SpawnQueue(0, 1, (k, p) -> { }));
  }
}
