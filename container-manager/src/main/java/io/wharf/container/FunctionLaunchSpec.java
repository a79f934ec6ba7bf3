package io.wharf.container;

import io.vertx.core.json.JsonObject;

/**
 * What the functions module asks for when it starts a function container.
 *
 * @param owner    the function's owner
 * @param function the function's name
 * @param version  the snapshot to serve: the hex SHA-256 a snapshot request answered
 */
public record FunctionLaunchSpec(String owner, String function, String version) {

  public JsonObject toJson() {
    return new JsonObject().put("owner", owner).put("function", function).put("version", version);
  }

  public static FunctionLaunchSpec fromJson(JsonObject json) {
    return new FunctionLaunchSpec(json.getString("owner"), json.getString("function"), json.getString("version"));
  }
}
