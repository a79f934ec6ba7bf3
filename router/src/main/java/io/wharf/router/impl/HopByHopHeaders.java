package io.wharf.router.impl;

import io.vertx.core.MultiMap;

import java.util.List;
import java.util.Locale;

/**
 * RFC 9110 §7.6.1: connection-specific headers, and any header the {@code Connection} header
 * names, apply to one hop only and must not be forwarded.
 */
final class HopByHopHeaders {

  static final List<String> STANDARD = List.of(
    "connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization",
    "te", "trailer", "transfer-encoding", "upgrade");

  private HopByHopHeaders() {
  }

  /** Removes hop-by-hop headers from {@code headers}, including those {@code Connection} lists. */
  static void strip(MultiMap headers) {
    for (String connection : headers.getAll("connection")) {
      for (String token : connection.split(",")) {
        String name = token.trim().toLowerCase(Locale.ROOT);
        if (!name.isEmpty()) {
          headers.remove(name);
        }
      }
    }
    for (String name : STANDARD) {
      headers.remove(name);
    }
  }
}
