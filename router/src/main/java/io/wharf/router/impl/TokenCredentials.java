package io.wharf.router.impl;

/**
 * Reads an API token from a request as JupyterHub clients send it: {@code Authorization: token …}
 * or {@code Bearer …}, else a {@code token} query parameter. Whatever does not look like a token
 * (another scheme, empty, oversized, spaces or control characters) is no token at all, so it is
 * never hashed nor looked up. The query parameter is removed before the request is forwarded:
 * Jupyter would take it for its own token and refuse the request.
 */
final class TokenCredentials {

  /** Longer than any token Wharf issues (64 hex characters), short enough to bound the work. */
  static final int MAX_LENGTH = 256;
  private static final String PARAMETER = "token=";

  private TokenCredentials() {
  }

  /** The token in an {@code Authorization} header value, or null. */
  static String fromAuthorization(String header) {
    if (header == null) {
      return null;
    }
    int start;
    if (header.regionMatches(true, 0, "token ", 0, 6)) {
      start = 6;
    } else if (header.regionMatches(true, 0, "bearer ", 0, 7)) {
      start = 7;
    } else {
      return null;
    }
    return valid(header.substring(start).trim());
  }

  /** The (first) {@code token} parameter of a request URI's query, or null. */
  static String fromUri(String uri) {
    int query = uri == null ? -1 : uri.indexOf('?');
    if (query < 0) {
      return null;
    }
    int at = parameter(uri, query + 1);
    if (at < 0) {
      return null;
    }
    int end = uri.indexOf('&', at);
    return valid(uri.substring(at + PARAMETER.length(), end < 0 ? uri.length() : end));
  }

  /** {@code uri} without any {@code token} query parameter; the same instance when it has none. */
  static String withoutTokenParameter(String uri) {
    int query = uri == null ? -1 : uri.indexOf('?');
    if (query < 0 || parameter(uri, query + 1) < 0) {
      return uri;
    }
    StringBuilder kept = new StringBuilder(uri.length()).append(uri, 0, query);
    int i = query + 1;
    char separator = '?';
    while (i <= uri.length()) {
      int end = uri.indexOf('&', i);
      if (end < 0) {
        end = uri.length();
      }
      if (end > i && !uri.startsWith(PARAMETER, i)) {
        kept.append(separator).append(uri, i, end);
        separator = '&';
      }
      i = end + 1;
    }
    return kept.toString();
  }

  /** Where a {@code token=} parameter starts at or after {@code from}, or -1. */
  private static int parameter(String uri, int from) {
    int at = uri.indexOf(PARAMETER, from);
    while (at >= 0 && at != from && uri.charAt(at - 1) != '&') {
      at = uri.indexOf(PARAMETER, at + 1);
    }
    return at;
  }

  private static String valid(String token) {
    if (token.isEmpty() || token.length() > MAX_LENGTH) {
      return null;
    }
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c <= ' ' || c >= 0x7f) {
        return null;
      }
    }
    return token;
  }
}
