package io.wharf.functions.impl;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;

/** The tail of a function's containers' output on this instance: the container manager's, a fake in tests. */
public interface FunctionLogs {

  /** {@code [{"id", "lines": [...]}]}, one entry per container of {@code owner}'s {@code function}. */
  Future<JsonArray> tail(String owner, String function, int lines);
}
