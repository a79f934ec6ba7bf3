package io.wharf.session.store;

import java.io.Serializable;

/**
 * A local account. The password is kept only as a slow, salted hash.
 *
 * @param id           immutable (a UUID): what tokens bind to, so a deleted and re-created name starts empty
 * @param name         unique among the accounts that exist
 * @param passwordHash null for an account that has no password
 */
public record Account(String id, String name, boolean admin, String passwordHash, long createdAt) implements Serializable {
}
