package io.wharf.container;

import io.vertx.core.json.JsonObject;

/**
 * A notebook container as the container manager sees it.
 *
 * @param id       Docker container id
 * @param user     owner (from the {@code wharf.owner} label)
 * @param server   server name (from the {@code wharf.server} label; empty for the default server)
 * @param instance Wharf instance that launched it (from the {@code wharf.instance} label)
 * @param host     address at which the published port is reachable, such as 127.0.0.1
 * @param port     published host port
 * @param token    per-container notebook token
 * @param running  whether Docker reports it running
 * @param createdAt epoch millis when Docker created it; 0 when unknown
 * @param profile  limit profile it was launched with; empty for the default
 */
public record ContainerInfo(String id, String user, String server, String instance,
                            String host, int port, String token, boolean running, long createdAt, String profile) {

  public JsonObject toJson() {
    return new JsonObject()
      .put("id", id)
      .put("user", user)
      .put("server", server)
      .put("instance", instance)
      .put("host", host)
      .put("port", port)
      .put("token", token)
      .put("running", running)
      .put("createdAt", createdAt)
      .put("profile", profile);
  }

  public static ContainerInfo fromJson(JsonObject json) {
    return new ContainerInfo(
      json.getString("id"),
      json.getString("user"),
      json.getString("server", ""),
      json.getString("instance"),
      json.getString("host"),
      json.getInteger("port", 0),
      json.getString("token"),
      json.getBoolean("running", false),
      json.getLong("createdAt", 0L),
      json.getString("profile", ""));
  }
}
