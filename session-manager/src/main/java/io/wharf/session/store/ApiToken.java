package io.wharf.session.store;

import java.io.Serializable;
import java.util.Set;

/**
 * An API token. Only the SHA-256 of the secret is kept: a stolen store gives no usable token.
 *
 * @param id        short public id, for listing and revoking
 * @param user      owner
 * @param hash      hex SHA-256 of the secret
 * @param scopes    what the token may do (see {@code Scopes})
 * @param note      the owner's description
 * @param createdAt epoch millis
 * @param expiresAt epoch millis; 0 for never
 */
public record ApiToken(String id, String user, String hash, Set<String> scopes, String note, long createdAt, long expiresAt)
  implements Serializable {

  public boolean expired(long now) {
    return expiresAt > 0 && now >= expiresAt;
  }
}
