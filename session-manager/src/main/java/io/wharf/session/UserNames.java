package io.wharf.session;

/** The user names Wharf accepts: lower case, safe in paths, labels and container names. */
public final class UserNames {

  private static final int MAX_LENGTH = 64;

  private UserNames() {
  }

  /**
   * Whether {@code name} matches {@code [a-z0-9][a-z0-9._-]{0,63}}. Checked by hand rather than
   * with a regular expression: the router checks the name in every proxied request's path, and
   * the matcher was 0.5 % of its CPU per request (bench/README.md).
   */
  public static boolean valid(String name) {
    if (name == null || name.isEmpty() || name.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean allowed = c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || i > 0 && (c == '.' || c == '_' || c == '-');
      if (!allowed) {
        return false;
      }
    }
    return true;
  }
}
