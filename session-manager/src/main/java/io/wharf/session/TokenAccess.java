package io.wharf.session;

import io.vertx.core.Future;

import java.util.Set;

/**
 * What the router may learn about an API token to let it through to a notebook: a read of the
 * token found by the hash of its secret, with its owner's current name and admin flag. The
 * router never sees the token store; a lookup is answered from the cluster's local near-cache
 * when it can, so the router asks only when its own short-lived cache misses.
 */
public interface TokenAccess {

  /**
   * A token as the router judges it.
   *
   * @param user            the owner's name
   * @param admin           whether the owner is an admin now
   * @param scopes          what the token holds now: its scopes in JupyterHub's names, expanded
   *                        ({@link Scopes#expand}) and within what its owner holds ({@link Scopes#intersect})
   * @param expiresAtMillis epoch millis; 0 for never
   */
  record Grant(String user, boolean admin, Set<String> scopes, long expiresAtMillis) {

    public boolean expired(long now) {
      return expiresAtMillis > 0 && now >= expiresAtMillis;
    }
  }

  /**
   * The grant of the token whose secret hashes to {@code hash} ({@link Secrets#sha256Hex}); null
   * when there is no such token (never made, revoked) or its account is gone or was re-created
   * under the same name.
   */
  Future<Grant> grant(String hash);
}
