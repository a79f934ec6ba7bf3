package io.wharf.router.impl;

import io.netty.util.AsciiString;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;

import java.util.List;
import java.util.Locale;

/**
 * RFC 9110 §7.6.1: connection-specific headers, and any header the {@code Connection} header
 * names, apply to one hop only and must not be forwarded.
 */
final class HopByHopHeaders {

  // Names made once, with their case-insensitive hash cached.
  static final List<CharSequence> STANDARD = List.of(
    HttpHeaders.CONNECTION, HttpHeaders.KEEP_ALIVE, HttpHeaders.createOptimized("proxy-connection"),
    HttpHeaders.PROXY_AUTHENTICATE, HttpHeaders.PROXY_AUTHORIZATION, HttpHeaders.createOptimized("te"),
    HttpHeaders.createOptimized("trailer"), HttpHeaders.TRANSFER_ENCODING, HttpHeaders.UPGRADE);

  private HopByHopHeaders() {
  }

  /** Removes hop-by-hop headers from {@code headers}, including those {@code Connection} lists. */
  static void strip(MultiMap headers) {
    if (headers.contains(HttpHeaders.CONNECTION)) {
      for (String connection : headers.getAll(HttpHeaders.CONNECTION)) {
        for (String token : connection.split(",")) {
          String name = token.trim().toLowerCase(Locale.ROOT);
          if (!name.isEmpty()) {
            headers.remove(name);
          }
        }
      }
    }
    for (int i = 0; i < STANDARD.size(); i++) {
      headers.remove(STANDARD.get(i));
    }
  }

  /** Whether {@code name} is one of the standard hop-by-hop headers, in any case; no allocation. */
  static boolean isHopByHop(CharSequence name) {
    return switch (name.length()) {
      case 2 -> is(name, "te");
      case 7 -> is(name, "trailer") || is(name, "upgrade");
      case 10 -> is(name, "connection") || is(name, "keep-alive");
      case 16 -> is(name, "proxy-connection");
      case 17 -> is(name, "transfer-encoding");
      case 18 -> is(name, "proxy-authenticate");
      case 19 -> is(name, "proxy-authorization");
      default -> false;
    };
  }

  /** {@code name} (a String or Netty's AsciiString) equals {@code lower}, ignoring case. */
  static boolean is(CharSequence name, String lower) {
    return AsciiString.contentEqualsIgnoreCase(name, lower);
  }

  /**
   * Whether the {@code Connection} header value {@code connection} (null when absent) names
   * {@code name}. Scans the comma-separated tokens in place, without splitting.
   */
  static boolean named(String connection, CharSequence name) {
    if (connection == null) {
      return false;
    }
    int length = connection.length();
    int i = 0;
    while (i < length) {
      int end = connection.indexOf(',', i);
      if (end < 0) {
        end = length;
      }
      int start = i;
      int stop = end;
      while (start < stop && connection.charAt(start) <= ' ') {
        start++;
      }
      while (stop > start && connection.charAt(stop - 1) <= ' ') {
        stop--;
      }
      if (stop - start == name.length() && AsciiString.regionMatches(connection, true, start, name, 0, name.length())) {
        return true;
      }
      i = end + 1;
    }
    return false;
  }
}
