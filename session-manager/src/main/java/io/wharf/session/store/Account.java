package io.wharf.session.store;

import java.io.Serializable;

/** A local account. The password is kept only as a slow, salted hash. */
public record Account(String name, boolean admin, String passwordHash, long createdAt) implements Serializable {
}
