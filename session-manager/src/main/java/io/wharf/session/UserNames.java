package io.wharf.session;

import java.util.regex.Pattern;

/** The user names Wharf accepts: lower case, safe in paths, labels and container names. */
public final class UserNames {

  private static final Pattern VALID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

  private UserNames() {
  }

  public static boolean valid(String name) {
    return name != null && VALID.matcher(name).matches();
  }
}
