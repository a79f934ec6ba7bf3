package io.wharf.functions;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.time.Duration;

/**
 * One call of a registered function: whose function, which command, the arguments as the runtime
 * takes them ({@code {"args": [...], "kwargs": {...}}}), and how long the caller waits.
 */
public record Invocation(String owner, String function, String command, JsonObject call, Duration timeout) {

  /**
   * The answer: the HTTP status and JSON body a caller gets. 200 carries the runtime's
   * {@code {"result": ...}}; any other status an {@code application/problem+json} body.
   */
  public record Result(int status, Buffer body) {

    public boolean succeeded() {
      return status >= 200 && status < 300;
    }

    /** The body as JSON (every body Wharf writes here is a JSON object). */
    public JsonObject json() {
      return body.toJsonObject();
    }
  }
}
