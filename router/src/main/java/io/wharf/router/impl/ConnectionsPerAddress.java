package io.wharf.router.impl;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Connections open now per client address, across the router's event loops, with a bound: one
 * address cannot take every connection the process can hold. Counted per connection, never per
 * request.
 */
final class ConnectionsPerAddress {

  private final int max;
  private final ConcurrentHashMap<String, Integer> open = new ConcurrentHashMap<>();

  /** @param max connections per address; 0 for no limit */
  ConnectionsPerAddress(int max) {
    this.max = max;
  }

  boolean limited() {
    return max > 0;
  }

  /** Counts a new connection from {@code address}; false, and not counted, when the address already has the most. */
  boolean open(String address) {
    int now = open.merge(address, 1, Integer::sum);
    if (now > max) {
      closed(address);
      return false;
    }
    return true;
  }

  /** A connection that {@link #open} counted has closed. */
  void closed(String address) {
    open.computeIfPresent(address, (key, count) -> count == 1 ? null : count - 1);
  }
}
