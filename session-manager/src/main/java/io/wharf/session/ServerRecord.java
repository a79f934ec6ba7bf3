package io.wharf.session;

import java.io.Serializable;

/**
 * One user's server, as shared across the cluster. Immutable: every change is a new record
 * written to the shared state.
 *
 * @param user        owner
 * @param server      server name; empty for the default server
 * @param state       where the server is in its life
 * @param instance    Wharf instance whose container manager runs the container
 * @param containerId Docker container id, once launched
 * @param host        address at which the container's port is reachable
 * @param port        published port of the container
 * @param token       per-container notebook token, added by the router and never shown to users
 * @param startedAt   epoch millis when the launch was requested
 * @param lastActivity epoch millis of the last observed activity
 * @param progress    launch progress, 0 to 100
 * @param message     last progress message, or why the server failed
 * @param profile     limit profile it runs with; empty for the default
 */
public record ServerRecord(String user, String server, State state, String instance, String containerId,
                           String host, int port, String token, long startedAt, long lastActivity,
                           int progress, String message, String profile) implements Serializable {

  public ServerRecord {
    profile = profile == null ? "" : profile;
  }

  public enum State { PENDING, RUNNING, FAILED }

  public static String key(String user, String server) {
    return user + "/" + server;
  }

  public static ServerRecord pending(String user, String server, String instance, String token, long now, String profile) {
    return new ServerRecord(user, server, State.PENDING, instance, null, null, 0, token, now, now, 0, "Server requested", profile);
  }

  /** A server running in a container found on the engine (a re-adoption after a restart). */
  public static ServerRecord adopted(String user, String server, String instance, String containerId, String host, int port,
                                     String token, long startedAt, long now, String profile) {
    return new ServerRecord(user, server, State.RUNNING, instance, containerId, host, port, token, startedAt, now, 100,
      "Server ready", profile);
  }

  public String key() {
    return key(user, server);
  }

  /** The path the server is served under, such as {@code /user/alice/}. */
  public String url() {
    return baseUrl(user, server);
  }

  public static String baseUrl(String user, String server) {
    return server.isEmpty() ? "/user/" + user + "/" : "/user/" + user + "/" + server + "/";
  }

  public boolean running() {
    return state == State.RUNNING;
  }

  public boolean pending() {
    return state == State.PENDING;
  }

  public boolean failed() {
    return state == State.FAILED;
  }

  /** Progress of a launch still under way; {@code now} marks it alive, so it is not taken for a stale one. */
  public ServerRecord progressed(int progress, String message, long now) {
    return new ServerRecord(user, server, state, instance, containerId, host, port, token, startedAt, now, progress, message, profile);
  }

  /** This record with {@code lastActivity} raised to {@code observed} if that is later. */
  public ServerRecord withActivity(long observed) {
    return observed <= lastActivity ? this
      : new ServerRecord(user, server, state, instance, containerId, host, port, token, startedAt, observed, progress, message, profile);
  }

  public ServerRecord ready(String containerId, String host, int port, long now) {
    return new ServerRecord(user, server, State.RUNNING, instance, containerId, host, port, token, startedAt, now, 100,
      "Server ready", profile);
  }

  public ServerRecord failed(String message) {
    return new ServerRecord(user, server, State.FAILED, instance, containerId, null, 0, token, startedAt, lastActivity, 100,
      message, profile);
  }
}
