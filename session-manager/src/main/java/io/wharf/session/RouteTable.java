package io.wharf.session;

import io.vertx.core.Future;

/**
 * What the router reads on every request: the record of the server a path names. Answered from
 * a local near-cache, so a lookup normally completes at once, without a network hop.
 */
public interface RouteTable {

  /** What {@link #generation} returns when changes are not tracked: then nothing may keep a record between requests. */
  long UNTRACKED = Long.MIN_VALUE;

  /**
   * A number that changes whenever a server record changes anywhere (heard through the map's
   * events), or is written here (once the write completes). While it stays the same, a record
   * read earlier is still the current one, as far as this instance can know. {@link #UNTRACKED}
   * (the default) when this table does not track changes.
   */
  default long generation() {
    return UNTRACKED;
  }

  /** The server under {@code key} ({@link ServerRecord#key(String, String)}), or {@code null}. */
  Future<ServerRecord> get(String key);

  /**
   * Whether {@code user} has a named server {@code server} (in any state). Answered from local
   * memory, so the router can ask on every request to tell {@code /user/alice/lab/} (a named
   * server) from a path inside alice's default server.
   */
  boolean hasNamedServer(String user, String server);
}
