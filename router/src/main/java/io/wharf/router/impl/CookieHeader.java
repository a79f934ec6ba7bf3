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
    // One pass over the header, copying the kept cookies, trimmed and joined with "; ": this runs
    // on every proxied request, so no split into an array of parts.
    StringBuilder kept = new StringBuilder(header.length());
    int length = header.length();
    int i = 0;
    while (i < length) {
      int end = header.indexOf(';', i);
      if (end < 0) {
        end = length;
      }
      int start = i;
      int stop = end;
      while (start < stop && header.charAt(start) <= ' ') {
        start++;
      }
      while (stop > start && header.charAt(stop - 1) <= ' ') {
        stop--;
      }
      if (start < stop && !isNamed(header, start, stop, name)) {
        if (kept.length() > 0) {
          kept.append("; ");
        }
        kept.append(header, start, stop);
      }
      i = end + 1;
    }
    return kept.length() == 0 ? null : kept.toString();
  }

  /** Whether the trimmed part {@code header[start, stop)} is cookie {@code name} (its name trimmed too). */
  private static boolean isNamed(String header, int start, int stop, String name) {
    int eq = header.indexOf('=', start);
    int nameEnd = eq < 0 || eq >= stop ? stop : eq;
    while (nameEnd > start && header.charAt(nameEnd - 1) <= ' ') {
      nameEnd--;
    }
    return nameEnd - start == name.length() && header.regionMatches(start, name, 0, name.length());
  }
}
