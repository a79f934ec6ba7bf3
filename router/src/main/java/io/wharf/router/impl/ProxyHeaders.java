package io.wharf.router.impl;

import io.netty.util.AsciiString;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;

import java.util.List;
import java.util.Map;

/**
 * Which headers cross the proxy, each way, copied in one pass without changing the source.
 *
 * <p>Towards the container: everything but hop-by-hop headers (and those the client's
 * {@code Connection} names), {@code Host} (the proxy sets the public authority, so Jupyter's
 * same-origin checks pass), {@code Expect} (the router answers it), Wharf's own cookie (the other
 * cookies stay) and the client's {@code Authorization}, replaced by the container's token.
 *
 * <p>Towards the client: everything but hop-by-hop headers (and those the container's
 * {@code Connection} names), {@code Server} (which would tell the world the container's software
 * and version), the router's own ({@code X-Request-Id}, {@code X-Wharf-Instance},
 * {@code Strict-Transport-Security}: one of each, the router's), and, unless
 * {@code router.pass-cors} is true, CORS grants
 * ({@code Access-Control-*}): Jupyter answers any {@code Origin} with a matching grant because the
 * injected token makes every request authenticated, and the router does not pass on grants it
 * did not decide.
 */
final class ProxyHeaders {

  /** Where copied headers go: a header map, or the bytes of a head being written ({@link HeadBytes}). */
  @FunctionalInterface
  interface Sink {
    void add(CharSequence name, CharSequence value);
  }

  private ProxyHeaders() {
  }

  /** Copies the client's {@code from} to the container's request headers {@code to}. */
  static void copyRequest(MultiMap from, MultiMap to, String token, String cookieName) {
    copyRequest(from, (Sink) to::add, token, cookieName);
  }

  /** The same, into {@code to}. */
  static void copyRequest(MultiMap from, Sink to, String token, String cookieName) {
    String connection = connection(from);
    for (Map.Entry<String, String> header : from) {
      String name = header.getKey();
      if (!name.isEmpty() && name.charAt(0) != ':' && !HopByHopHeaders.isHopByHop(name) && !droppedFromRequest(name)
        && !HopByHopHeaders.named(connection, name)) {
        to.add(name, header.getValue());
      }
    }
    String cookies = CookieHeader.without(from.get(HttpHeaders.COOKIE), cookieName);
    if (cookies != null) {
      to.add(HttpHeaders.COOKIE, cookies);
    }
    to.add(HttpHeaders.AUTHORIZATION, "token " + token);
  }

  /** The {@code Connection} header's tokens, several fields joined; null when there is none. */
  private static String connection(MultiMap headers) {
    String connection = headers.get(HttpHeaders.CONNECTION);
    if (connection == null) {
      return null;
    }
    List<String> all = headers.getAll(HttpHeaders.CONNECTION);
    return all.size() == 1 ? connection : String.join(",", all);
  }

  private static boolean droppedFromRequest(String name) {
    return switch (name.length()) {
      case 4 -> name.equalsIgnoreCase("host");
      case 6 -> name.equalsIgnoreCase("cookie") || name.equalsIgnoreCase("expect");
      case 13 -> name.equalsIgnoreCase("authorization");
      default -> false;
    };
  }

  /** Copies the container's response headers {@code from} to the client's {@code to}. */
  static void copyResponse(MultiMap from, MultiMap to, boolean passCors) {
    copyResponse(from, (Sink) to::add, passCors);
  }

  /** The same, into {@code to}. */
  static void copyResponse(MultiMap from, Sink to, boolean passCors) {
    String connection = connection(from);
    for (Map.Entry<String, String> header : from) {
      if (toClient(header.getKey(), connection, passCors)) {
        to.add(header.getKey(), header.getValue());
      }
    }
  }

  /** The same, from a container's answer as {@link AnswerDecoder} read it. */
  static void copyResponse(AnswerHead from, Sink to, boolean passCors) {
    String connection = from.connection();
    for (int i = 0; i < from.size(); i++) {
      if (toClient(from.name(i), connection, passCors)) {
        to.add(from.name(i), from.value(i));
      }
    }
  }

  /** Whether the container's header {@code name} goes on to the client, given its {@code Connection} header. */
  private static boolean toClient(CharSequence name, String connection, boolean passCors) {
    return !HopByHopHeaders.isHopByHop(name) && !droppedFromResponse(name, passCors) && !HopByHopHeaders.named(connection, name);
  }

  static boolean droppedFromResponse(CharSequence name, boolean passCors) {
    return switch (name.length()) {
      case 6 -> HopByHopHeaders.is(name, "server");
      // The router's own, which it sets on every answer.
      case 12 -> HopByHopHeaders.is(name, "x-request-id");
      case 16 -> HopByHopHeaders.is(name, "x-wharf-instance");
      case 25 -> HopByHopHeaders.is(name, "strict-transport-security");
      default -> false;
    } || !passCors && AsciiString.regionMatches(name, true, 0, "access-control-", 0, 15);
  }
}
