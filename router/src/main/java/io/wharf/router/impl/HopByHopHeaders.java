package io.wharf.router.impl;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;

import java.util.List;
import java.util.Locale;

/**
 * RFC 9110 §7.6.1: connection-specific headers, and any header the {@code Connection} header
 * names, apply to one hop only and must not be forwarded.
 */
final class HopByHopHeaders {

  // Runs twice per proxied request: names made once, with their case-insensitive hash cached.
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
}
