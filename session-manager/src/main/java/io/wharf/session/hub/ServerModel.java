package io.wharf.session.hub;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wharf.session.Scopes;
import io.wharf.session.ServerRecord;
import io.wharf.session.store.Account;

import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** JupyterHub's user and server models, built from Wharf's records. */
final class ServerModel {

  private ServerModel() {
  }

  /**
   * What a model shows.
   *
   * @param origin   the public origin ({@code https://host}) for {@code full_url}; null: none
   * @param state    whether servers show their {@code state} (container and instance: admins only)
   * @param stopped  whether servers that are not active (failed) are included
   * @param keys     the user model's keys the caller may read (JupyterHub's access map)
   */
  record View(String origin, boolean state, boolean stopped, Set<String> keys) {

    private static final Set<String> ALL = Set.of("kind", "name", "admin", "roles", "groups", "server", "pending", "created",
      "last_activity", "servers");

    /** Everything, as a user's creation answers it to an admin. */
    static View full(String origin) {
      return new View(origin, true, true, ALL);
    }

    /** What {@code caller} may see of {@code user}'s model: JupyterHub's access map, key by scope. */
    static View of(Scopes.Caller caller, String user, String origin, boolean stopped) {
      Set<String> keys = new HashSet<>(Set.of("kind", "name"));
      if (caller.may(Scopes.READ_USERS, user)) {
        keys.addAll(List.of("admin", "roles", "groups", "server", "pending", "created", "last_activity"));
      }
      if (caller.may(Scopes.READ_USERS_NAME, user)) {
        keys.add("admin");
      }
      if (caller.may(Scopes.READ_USERS_GROUPS, user)) {
        keys.add("groups");
      }
      if (caller.may(Scopes.READ_USERS_ACTIVITY, user)) {
        keys.add("last_activity");
      }
      if (caller.may(Scopes.READ_SERVERS, user)) {
        keys.add("servers");
      }
      if (caller.may("read:roles:users", user)) {
        keys.addAll(List.of("roles", "admin"));
      }
      return new View(origin, caller.may(Scopes.ADMIN_SERVER_STATE, user), stopped, Set.copyOf(keys));
    }
  }

  static String iso(long millis) {
    return millis <= 0 ? null : Instant.ofEpochMilli(millis).toString();
  }

  static String progressUrl(ServerRecord s) {
    return "/hub/api/users/" + s.user() + (s.server().isEmpty() ? "/server" : "/servers/" + s.server()) + "/progress";
  }

  static JsonObject of(ServerRecord s, View view) {
    JsonObject model = new JsonObject()
      .put("name", s.server())
      .put("ready", s.running())
      .put("pending", s.pending() ? "spawn" : null)
      .put("stopped", s.failed())
      .put("url", s.url())
      .put("progress_url", progressUrl(s))
      .put("full_url", view.origin() == null ? null : view.origin() + s.url())
      .put("full_progress_url", view.origin() == null ? null : view.origin() + progressUrl(s))
      .put("started", iso(s.startedAt()))
      .put("last_activity", iso(s.lastActivity()))
      .put("user_options", s.profile().isEmpty() ? new JsonObject() : new JsonObject().put("profile", s.profile()));
    if (s.failed()) {
      // Wharf's addition: why a server stopped, for its owner (state, with the container, is admins' only).
      model.put("error", s.message());
    }
    if (view.state()) {
      JsonObject state = new JsonObject().put("instance", s.instance()).put("container", s.containerId());
      if (s.failed()) {
        state.put("error", s.message());
      }
      model.put("state", state);
    }
    return model;
  }

  /** A server of the server record's shape for the API's start answer (the starter may see its own server). */
  static JsonObject of(ServerRecord s) {
    return of(s, new View(null, false, true, Set.of()));
  }

  /**
   * The user model.
   *
   * @param sessions     the user's servers, with their activity
   * @param groups       the groups the user is in
   * @param userActivity the user's own last activity (JupyterHub's, posted to {@code /activity}); 0 for none
   */
  static JsonObject user(Account account, List<ServerRecord> sessions, Collection<String> groups, long userActivity, View view) {
    JsonObject servers = new JsonObject();
    ServerRecord primary = null;
    long lastActivity = userActivity;
    for (ServerRecord s : sessions) {
      lastActivity = Math.max(lastActivity, s.lastActivity());
      if (s.server().isEmpty()) {
        primary = s;
      }
      if (view.stopped() || !s.failed()) {
        servers.put(s.server(), of(s, view));
      }
    }
    JsonObject model = new JsonObject()
      .put("kind", "user")
      .put("name", account.name())
      .put("admin", account.admin())
      .put("groups", new JsonArray(groups.stream().sorted().toList()))
      .put("server", primary != null && primary.running() ? primary.url() : null)
      .put("pending", primary != null && primary.pending() ? "spawn" : null)
      .put("created", iso(account.createdAt()))
      .put("last_activity", iso(lastActivity))
      .put("roles", new JsonArray(Scopes.roles(account)))
      .put("servers", servers);
    model.fieldNames().retainAll(view.keys());
    return model;
  }

  /** A user just created: no servers, no groups, no activity. */
  static JsonObject created(Account account) {
    return user(account, List.of(), List.of(), 0, View.full(null));
  }
}
