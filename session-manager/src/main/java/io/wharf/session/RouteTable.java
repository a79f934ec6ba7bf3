package io.wharf.session;

import io.vertx.core.Future;

/**
 * What the router reads on every request: the record of the server a path names. Answered from
 * a local near-cache, so a lookup normally completes at once, without a network hop.
 */
public interface RouteTable {

  /** The server under {@code key} ({@link ServerRecord#key(String, String)}), or {@code null}. */
  Future<ServerRecord> get(String key);

  /**
   * Whether {@code user} has a named server {@code server} (in any state). Answered from local
   * memory, so the router can ask on every request to tell {@code /user/alice/lab/} (a named
   * server) from a path inside alice's default server.
   */
  boolean hasNamedServer(String user, String server);
}
