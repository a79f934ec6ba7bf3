package io.wharf.functions.impl.scaling;

/**
 * One running function container, as the pool reaches it.
 *
 * @param id      the container's id
 * @param host    where its runtime's port is published
 * @param version the snapshot it serves
 */
public record Backend(String id, String host, int port, String version) {
}
