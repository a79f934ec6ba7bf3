package io.wharf.session;

import io.vertx.core.Future;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Shared session state. Reads are served from a local near-cache, so the router can call
 * {@link #get} on every request; writes go to the cluster. No method blocks the caller.
 */
public interface SessionStore {

  /** The session under {@code key} ({@link Session#key(String, String)}), or {@code null}. */
  Future<Session> get(String key);

  /** Stores {@code session} under its key, replacing what was there. */
  Future<Void> put(Session session);

  /** Stores {@code session} unless its key is taken; completes with the existing one, or null if stored. */
  Future<Session> putIfAbsent(Session session);

  /** Replaces {@code expected} by {@code next} only if the stored value still equals {@code expected}. */
  Future<Boolean> replace(Session expected, Session next);

  /** Removes the session under {@code key}. */
  Future<Void> remove(String key);

  /** Every session of {@code user}. */
  Future<List<Session>> sessionsOf(String user);

  /** How many sessions (pending or running) name {@code instance}. */
  Future<Integer> countOn(String instance);

  /** Every session. */
  Future<List<Session>> allSessions();

  /** Every session launched by {@code instance}. */
  Future<List<Session>> sessionsOn(String instance);

  /** Every session in {@code state}. */
  Future<List<Session>> sessionsIn(Session.State state);

  /**
   * Whether {@code user} has a named server {@code server} (in any state). Answered from local
   * memory, so the router can ask on every request to tell {@code /user/alice/lab/} (a named
   * server) from a path inside alice's default server.
   */
  boolean hasNamedServer(String user, String server);

  /** Records the last activity (epoch millis) of servers by key; one batched write. */
  Future<Void> recordActivity(Map<String, Long> lastActivity);

  /** The last recorded activity of each of {@code keys} that has one. */
  Future<Map<String, Long>> activity(Collection<String> keys);
}
