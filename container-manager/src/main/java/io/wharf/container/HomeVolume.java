package io.wharf.container;

import io.vertx.core.json.JsonObject;

/**
 * A server's home volume on an instance's engine, as its labels describe it.
 *
 * @param name    the Docker volume's name
 * @param account id of the account it belongs to
 * @param user    the account's name when the volume was made (for operators; names can be reused)
 * @param server  server name; empty for the default server
 */
public record HomeVolume(String name, String account, String user, String server) {

  public JsonObject toJson() {
    return new JsonObject().put("name", name).put("account", account).put("user", user).put("server", server);
  }

  public static HomeVolume fromJson(JsonObject json) {
    return new HomeVolume(json.getString("name"), json.getString("account"), json.getString("user", ""),
      json.getString("server", ""));
  }
}
