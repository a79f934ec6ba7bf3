package io.wharf.functions;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.time.Duration;

/**
 * Calls a registered function as its owner's keys would, without a key: the path the router's
 * {@code /fn/} handler and the async calls share. The future never fails; a problem is an
 * {@link Invocation.Result} with its status (404 unknown function or command, 503 queue full or no
 * container, 504 timeout, 500 the function raised, 502 the container failed).
 */
public interface FunctionInvoker {

  /**
   * @param call    {@code {"args": [...], "kwargs": {...}}}
   * @param timeout how long to wait at most, queueing and a cold start included
   */
  Future<Invocation.Result> invoke(String owner, String function, String command, JsonObject call, Duration timeout);
}
