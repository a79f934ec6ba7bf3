package io.wharf.session;

/**
 * Which login sessions have ended, as every instance sees them: a cookie's own session id
 * (logout), or every cookie of an account issued up to a time (all sessions ended, account
 * deleted). Reads are local (a replicated map): the router asks on every request that carries a
 * cookie, and never waits on the network or the database for it.
 */
public interface SessionRevocations {

  /** What {@link #generation} returns when changes are not tracked: every check then reads the map. */
  long UNTRACKED = Long.MIN_VALUE;

  /** The key under which one login session's revocation is kept. */
  static String sessionKey(String sessionId) {
    return "session:" + sessionId;
  }

  /** The key under which an account's "not before" time is kept. */
  static String accountKey(String accountId) {
    return "account:" + accountId;
  }

  /** The time (epoch millis) recorded under {@code key}, or null; a local read. */
  Long revokedAt(String key);

  /**
   * A number that changes whenever a revocation reaches this instance's copy (written here, or
   * replicated from another instance) or leaves it. Read before a check, it lets a caller skip the
   * next check of the same cookie while it stays the same: nothing could have ended the session
   * since. {@link #UNTRACKED} (the default) when this store does not track changes.
   */
  default long generation() {
    return UNTRACKED;
  }

  /**
   * Whether a verified cookie's session has ended: its own session id was revoked, or its
   * account's sessions were all ended at or after the cookie was issued. {@code iat} has whole
   * seconds only, so a cookie issued in the same second as the end of all sessions is refused
   * too (its holder logs in again).
   */
  default boolean revoked(SessionCookies.Claims claims) {
    if (revokedAt(sessionKey(claims.sessionId())) != null) {
      return true;
    }
    Long notBefore = revokedAt(accountKey(claims.accountId()));
    return notBefore != null && claims.issuedAtMillis() <= notBefore;
  }
}
