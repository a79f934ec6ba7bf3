package io.wharf.router.impl;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Gives every request on the HTTPS port an id, {@code X-Request-Id}. It is set on the request's
 * own headers, so the hub's handlers read it there and the proxy and the WebSocket tunnel pass it
 * to the container with the other headers; on the response; and in the access log and the
 * router's log lines about the request ({@link #LOG_KEY}).
 *
 * <p>A request's own {@code X-Request-Id} is kept only when a trusted proxy in front sets it
 * ({@code router.trust-request-id}), and only when it is short and made of safe characters, since
 * it ends up in log lines and in the container's requests. Otherwise the id is this event loop's
 * random prefix and a counter: unique across restarts and instances without a random number per
 * request. One instance per event loop; not thread-safe.
 */
final class RequestIds {

  static final CharSequence HEADER = HttpHeaders.createOptimized("X-Request-Id");
  /** The key of the request id in the router's log events (a key-value pair, also in JSON). */
  static final String LOG_KEY = "request_id";
  static final int MAX_LENGTH = 64;

  private final boolean trustIncoming;
  private final String prefix;
  private long sequence;

  RequestIds(boolean trustIncoming, String prefix) {
    this.trustIncoming = trustIncoming;
    this.prefix = prefix;
  }

  /** @param trustIncoming {@code router.trust-request-id} */
  static RequestIds create(boolean trustIncoming) {
    // 48 random bits per event loop and start: a clash between two loops' prefixes is unlikely
    // even across a large cluster's lifetime, and costs only an ambiguous log line.
    long bits = ThreadLocalRandom.current().nextLong() >>> 16;
    return new RequestIds(trustIncoming, String.format("%012x-", bits));
  }

  /** Sets {@code request}'s id on it and on its response, and returns it. */
  String assign(HttpServerRequest request) {
    String id = next(request.getHeader(HEADER));
    // set, not add: an untrusted or invalid id the client sent goes, and so do duplicates.
    request.headers().set(HEADER, id);
    request.response().headers().set(HEADER, id);
    return id;
  }

  /** The id of a request that came with {@code incoming} as its {@code X-Request-Id} (null when none). */
  String next(String incoming) {
    String id = trustIncoming ? acceptable(incoming) : null;
    return id == null ? prefix.concat(Long.toHexString(++sequence)) : id;
  }

  /** {@code candidate} when it may be used as an id; null when absent, empty, too long or unsafe. */
  static String acceptable(String candidate) {
    if (candidate == null || candidate.isEmpty() || candidate.length() > MAX_LENGTH) {
      return null;
    }
    for (int i = 0; i < candidate.length(); i++) {
      if (!safe(candidate.charAt(i))) {
        return null;
      }
    }
    return candidate;
  }

  /** Letters, digits and {@code - _ . : + / =}: UUIDs, hex, base64 and most tracing ids; no spaces, quotes or controls. */
  private static boolean safe(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
      || c == '-' || c == '_' || c == '.' || c == ':' || c == '+' || c == '/' || c == '=';
  }
}
