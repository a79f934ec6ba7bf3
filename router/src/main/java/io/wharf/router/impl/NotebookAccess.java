package io.wharf.router.impl;

import io.wharf.session.TokenAccess;

import java.util.Set;

/**
 * Whether an API token may reach a user's notebook server, in JupyterHub's terms: a user's own
 * token reaches the user's servers; another's reaches them when it holds {@code access:servers},
 * {@code access:servers!user={name}}, {@code access:servers!server={name}/{server}} or
 * {@code inherit}. As in JupyterHub, a token never holds more than its owner: the owner's
 * scopes are intersected with the token's at each use, and a Wharf account that is not an admin
 * holds access to its own servers only, so only an admin's token reaches another user's server.
 */
final class NotebookAccess {

  static final String ACCESS_SERVERS = "access:servers";
  static final String INHERIT = "inherit";

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
    if (grant.user().equals(user)) {
      return Decision.ALLOWED;
    }
    if (!grant.admin()) {
      return Decision.FORBIDDEN;
    }
    Set<String> scopes = grant.scopes();
    return scopes.contains(ACCESS_SERVERS) || scopes.contains(INHERIT)
      || scopes.contains(ACCESS_SERVERS + "!user=" + user)
      || scopes.contains(ACCESS_SERVERS + "!server=" + user + "/" + server)
      ? Decision.ALLOWED : Decision.FORBIDDEN;
  }
}
