package io.wharf.functions;

import io.vertx.core.buffer.Buffer;

/** What an invocation of a function gives back. */
public record Invocation() {

  /** The HTTP status and JSON body the function's call answered. */
  public record Result(int status, Buffer body) {
  }
}
