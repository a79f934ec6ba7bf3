package io.wharf.router.impl;

import io.wharf.session.TokenAccess;

import java.util.Set;

/**
 * Whether an API token may reach a user's notebook server, in JupyterHub's terms: when what it
 * holds (its scopes expanded, within its owner's, as {@link TokenAccess.Grant#scopes} gives them)
 * includes {@code access:servers}, {@code access:servers!user={name}} or
 * {@code access:servers!server={name}/{server}} ({@code {name}/} for the default server). A user
 * holds {@code access:servers!user=} their own name (the {@code user} role's {@code self}), so a
 * token made without scopes ({@code inherit}) reaches its owner's servers, and a token made with
 * only, say, {@code read:users} does not; only an admin holds {@code access:servers} for everyone.
 * {@code !group=} filters are not resolved here: such a token does not reach the server.
 */
final class NotebookAccess {

  static final String ACCESS_SERVERS = "access:servers";

  /** The outcome for one request. */
  enum Decision {
    /** The token lets the request through. */
    ALLOWED,
    /** A valid token that does not reach this server. */
    FORBIDDEN,
    /** No valid token: unknown, revoked, expired, or its account is gone. */
    UNAUTHENTICATED
  }

  private NotebookAccess() {
  }

  /**
   * @param grant  the token's grant, null when there is no valid token
   * @param user   the path's user
   * @param server the path's server name, "" for the default server
   * @param now    epoch millis
   */
  static Decision decide(TokenAccess.Grant grant, String user, String server, long now) {
    if (grant == null || grant.expired(now)) {
      return Decision.UNAUTHENTICATED;
    }
    Set<String> scopes = grant.scopes();
    return scopes.contains(ACCESS_SERVERS)
      || scopes.contains(ACCESS_SERVERS + "!user=" + user)
      || scopes.contains(ACCESS_SERVERS + "!server=" + user + "/" + server)
      ? Decision.ALLOWED : Decision.FORBIDDEN;
  }
}
