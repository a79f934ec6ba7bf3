package io.wharf.functions.async;

/**
 * A function container an async call's attempt is sent to.
 *
 * @param containerId its id
 * @param host        where its runtime's port is published
 * @param port        that port
 */
public record Placement(String containerId, String host, int port) {

  /** {@code host:port}, as recorded with the attempt. */
  public String address() {
    return host + ":" + port;
  }
}
