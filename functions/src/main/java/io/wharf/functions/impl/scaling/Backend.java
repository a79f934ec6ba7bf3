package io.wharf.functions.impl.scaling;

/**
 * One running function container, as the pool reaches it.
 *
 * @param id      the container's id
 * @param host    where its runtime's port is published
 * @param socket  the host path of its runtime's Unix socket, called instead of the port when not empty (the container
 *                manager of this process saw it there)
 * @param version the snapshot it serves
 */
public record Backend(String id, String host, int port, String socket, String version) {

  /** A container reached at its published port only. */
  public Backend(String id, String host, int port, String version) {
    this(id, host, port, "", version);
  }
}
