package io.wharf.router.impl;

import io.wharf.session.UserNames;

import java.util.function.BiPredicate;

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

  /**
   * The path segment after {@code /user/{user}/} when it names one of the user's named servers
   * ({@code /user/alice/lab/...}), or "" for the default server.
   */
  static String server(String path, String user, BiPredicate<String, String> isNamedServer) {
    int start = PREFIX.length() + user.length() + 1;
    if (path.length() <= start) {
      return "";
    }
    int end = path.indexOf('/', start);
    String segment = end < 0 ? path.substring(start) : path.substring(start, end);
    return !segment.isEmpty() && isNamedServer.test(user, segment) ? segment : "";
  }

  /** Whether the path is exactly {@code /user/{name}} (or {@code /user/{name}/{server}}) without the trailing slash. */
  static boolean missingSlash(String path, String user, String server) {
    return path.length() == PREFIX.length() + user.length() + (server.isEmpty() ? 0 : server.length() + 1);
  }
}
