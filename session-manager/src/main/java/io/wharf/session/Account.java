package io.wharf.session;

/** A local account. The password is kept only as a slow, salted hash. */
public record Account(String name, boolean admin, String passwordHash, long createdAt) {
}
