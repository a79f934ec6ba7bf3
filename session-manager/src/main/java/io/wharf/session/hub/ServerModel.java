package io.wharf.session.hub;

import io.vertx.core.json.JsonObject;
import io.vertx.core.json.JsonArray;
import io.wharf.session.ServerRecord;
import io.wharf.session.store.Account;

import java.time.Instant;
import java.util.List;

/** JupyterHub's user and server models, built from Wharf's records. */
final class ServerModel {

  private ServerModel() {
  }

  static String iso(long millis) {
    return millis <= 0 ? null : Instant.ofEpochMilli(millis).toString();
  }

  static JsonObject of(ServerRecord s) {
    JsonObject state = new JsonObject().put("instance", s.instance()).put("container", s.containerId());
    if (s.failed()) {
      state.put("error", s.message());
    }
    return new JsonObject()
      .put("name", s.server())
      .put("ready", s.running())
      .put("pending", s.pending() ? "spawn" : null)
      .put("stopped", s.failed())
      .put("url", s.url())
      .put("progress_url", "/hub/api/users/" + s.user() + (s.server().isEmpty() ? "/server" : "/servers/" + s.server()) + "/progress")
      .put("started", iso(s.startedAt()))
      .put("last_activity", iso(s.lastActivity()))
      .put("state", state)
      .put("user_options", s.profile().isEmpty() ? new JsonObject() : new JsonObject().put("profile", s.profile()));
  }

  static JsonObject user(Account account, List<ServerRecord> sessions) {
    JsonObject servers = new JsonObject();
    ServerRecord primary = null;
    long lastActivity = 0;
    for (ServerRecord s : sessions) {
      servers.put(s.server(), of(s));
      lastActivity = Math.max(lastActivity, s.lastActivity());
      if (s.server().isEmpty()) {
        primary = s;
      }
    }
    return new JsonObject()
      .put("kind", "user")
      .put("name", account.name())
      .put("admin", account.admin())
      .put("groups", new JsonArray())
      .put("server", primary != null && primary.running() ? primary.url() : null)
      .put("pending", primary != null && primary.pending() ? "spawn" : null)
      .put("created", iso(account.createdAt()))
      .put("last_activity", iso(lastActivity))
      .put("servers", servers);
  }
}
