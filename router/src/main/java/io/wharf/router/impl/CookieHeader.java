package io.wharf.router.impl;

/**
 * Reads and removes one cookie in a {@code Cookie} request header without decoding the others:
 * the router needs only its own cookie, and Jupyter must never see it.
 */
final class CookieHeader {

  private CookieHeader() {
  }

  /** The value of cookie {@code name}, or null. */
  static String value(String header, String name) {
    if (header == null) {
      return null;
    }
    int i = 0;
    int length = header.length();
    while (i < length) {
      while (i < length && (header.charAt(i) == ' ' || header.charAt(i) == ';')) {
        i++;
      }
      int end = header.indexOf(';', i);
      if (end < 0) {
        end = length;
      }
      int eq = header.indexOf('=', i);
      if (eq > 0 && eq < end && eq - i == name.length() && header.regionMatches(i, name, 0, name.length())) {
        String value = header.substring(eq + 1, end).trim();
        if (value.length() >= 2 && value.charAt(0) == '"' && value.charAt(value.length() - 1) == '"') {
          value = value.substring(1, value.length() - 1);
        }
        return value;
      }
      i = end + 1;
    }
    return null;
  }

  /** The header without cookie {@code name}; null when nothing else is left. */
  static String without(String header, String name) {
    if (header == null) {
      return null;
    }
    StringBuilder kept = new StringBuilder(header.length());
    for (String part : header.split(";")) {
      String trimmed = part.trim();
      if (trimmed.isEmpty()) {
        continue;
      }
      int eq = trimmed.indexOf('=');
      String cookieName = eq < 0 ? trimmed : trimmed.substring(0, eq).trim();
      if (cookieName.equals(name)) {
        continue;
      }
      if (kept.length() > 0) {
        kept.append("; ");
      }
      kept.append(trimmed);
    }
    return kept.length() == 0 ? null : kept.toString();
  }
}
