package io.wharf.session.store;

import java.io.Serializable;
import java.util.Set;

/**
 * An API token. Only the SHA-256 of the secret is kept: a stolen store gives no usable token.
 *
 * @param id        short public id, for listing and revoking
 * @param user      the owner's name, as it was when the token was made
 * @param accountId the owner's immutable account id: the token is valid only while the account
 *                  named {@code user} still has this id
 * @param hash      hex SHA-256 of the secret
 * @param scopes    what the token may do (see {@code Scopes})
 * @param note      the owner's description
 * @param createdAt epoch millis
 * @param expiresAt epoch millis; 0 for never
 */
public record ApiToken(String id, String user, String accountId, String hash, Set<String> scopes, String note, long createdAt,
                       long expiresAt) implements Serializable {

  public boolean expired(long now) {
    return expiresAt > 0 && now >= expiresAt;
  }

  /** Whether {@code owner} is the account this token was made for (and not a later one of the same name). */
  public boolean ownedBy(Account owner) {
    return owner != null && owner.id().equals(accountId) && owner.name().equals(user);
  }
}
