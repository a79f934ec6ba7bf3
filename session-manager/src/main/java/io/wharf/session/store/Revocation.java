package io.wharf.session.store;

import io.wharf.session.SessionRevocations;

/**
 * One revocation: {@code key} is a {@link SessionRevocations#sessionKey session} or an
 * {@link SessionRevocations#accountKey account} key, {@code at} when it was revoked (for an
 * account: cookies issued up to then are refused), and {@code forgetAfter} when every cookie it
 * can refuse has expired anyway, so it may be dropped.
 */
public record Revocation(String key, long at, long forgetAfter) {
}
