package io.wharf.container.impl;

import io.vertx.core.json.JsonArray;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A function's log tail is bounded in lines asked for, lines kept and characters per line. */
class FunctionLogBoundsTest {

  @Test
  void theLinesAskedForAreClampedAndDefaultWhenNotANumber() {
    assertEquals(1, FunctionContainerService.logLines(0));
    assertEquals(1, FunctionContainerService.logLines(-5));
    assertEquals(40, FunctionContainerService.logLines(40));
    assertEquals(FunctionContainerService.MAX_LOG_LINES, FunctionContainerService.logLines(1_000_000L));
    assertEquals(100, FunctionContainerService.logLines("40"));
    assertEquals(100, FunctionContainerService.logLines(null));
  }

  @Test
  void onlyTheLastLinesAreKeptAndALongLineIsCut() {
    List<String> many = IntStream.range(0, 700).mapToObj(i -> "line " + i).toList();
    JsonArray kept = FunctionContainerService.bounded(many);
    assertEquals(FunctionContainerService.MAX_LOG_LINES, kept.size());
    assertEquals("line 699", kept.getString(kept.size() - 1));
    assertEquals("line 200", kept.getString(0));
    JsonArray cut = FunctionContainerService.bounded(List.of("x".repeat(10_000)));
    assertEquals(FunctionContainerService.MAX_LOG_LINE_CHARS + 1, cut.getString(0).length());
    assertTrue(cut.getString(0).endsWith("…"));
  }
}
