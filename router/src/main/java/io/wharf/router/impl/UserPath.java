package io.wharf.router.impl;

import io.wharf.session.UserNames;

/** Reads the user out of a proxied path, {@code /user/{name}/...}. */
final class UserPath {

  static final String PREFIX = "/user/";

  private UserPath() {
  }

  /** The user a path belongs to, or null when the path is not a valid {@code /user/{name}/...} path. */
  static String user(String path) {
    if (path == null || !path.startsWith(PREFIX)) {
      return null;
    }
    int end = path.indexOf('/', PREFIX.length());
    String name = end < 0 ? path.substring(PREFIX.length()) : path.substring(PREFIX.length(), end);
    return UserNames.valid(name) ? name : null;
  }

  /** Whether the path is exactly {@code /user/{name}} without the trailing slash. */
  static boolean missingSlash(String path, String user) {
    return path.length() == PREFIX.length() + user.length();
  }
}
