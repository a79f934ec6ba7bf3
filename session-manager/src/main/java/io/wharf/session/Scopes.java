package io.wharf.session;

import io.wharf.session.store.Account;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What a caller may do, in JupyterHub's scope names. A person logged in with the cookie holds
 * every scope their account allows; an API token holds the subset it was created with.
 * <ul>
 *   <li>{@code servers}: start, stop and follow servers;</li>
 *   <li>{@code read:users}: read user models;</li>
 *   <li>{@code tokens}: create, list and revoke API tokens;</li>
 *   <li>{@code admin:users}: create and delete users (admins only);</li>
 *   <li>{@code read:metrics}: read {@code /hub/metrics} (admins only).</li>
 * </ul>
 * Outside {@code admin:users} and {@code read:metrics}, a scope covers the holder's own user only,
 * unless the holder is an admin.
 */
public final class Scopes {

  public static final String SERVERS = "servers";
  public static final String READ_USERS = "read:users";
  public static final String TOKENS = "tokens";
  public static final String ADMIN_USERS = "admin:users";
  public static final String READ_METRICS = "read:metrics";

  static final Set<String> USER = Set.of(SERVERS, READ_USERS, TOKENS);
  static final Set<String> ADMIN = Set.of(SERVERS, READ_USERS, TOKENS, ADMIN_USERS, READ_METRICS);

  private Scopes() {
  }

  /** Every scope an account can hold. */
  public static Set<String> grantable(Account account) {
    return account.admin() ? ADMIN : USER;
  }

  /** The scopes asked for, checked against what the asker may hand out; null or empty asks for all of those. */
  public static Set<String> requested(Iterable<?> asked, Set<String> allowed) {
    if (asked == null || !asked.iterator().hasNext()) {
      return allowed;
    }
    Set<String> scopes = new LinkedHashSet<>();
    for (Object scope : asked) {
      String name = String.valueOf(scope);
      if (!ADMIN.contains(name)) {
        throw new IllegalArgumentException("unknown scope: " + name);
      }
      if (!allowed.contains(name)) {
        throw new IllegalArgumentException("cannot grant a scope the caller does not hold: " + name);
      }
      scopes.add(name);
    }
    return Set.copyOf(scopes);
  }

  /**
   * An authenticated caller.
   *
   * @param viaCookie whether the session cookie authenticated it (then the CSRF check applies)
   */
  public record Caller(Account account, Set<String> scopes, boolean viaCookie) {

    public String name() {
      return account.name();
    }

    /** Whether the caller may use {@code scope} on {@code user}'s behalf. */
    public boolean may(String scope, String user) {
      if (!scopes.contains(scope) || !grantable(account).contains(scope)) {
        return false;
      }
      if (scope.equals(ADMIN_USERS) || scope.equals(READ_METRICS)) {
        return account.admin();
      }
      return account.admin() || account.name().equals(user);
    }
  }
}
