package io.wharf.container;

import io.vertx.core.json.JsonObject;

/**
 * What the session manager asks for when it starts a server.
 *
 * @param user    owner of the server
 * @param server  server name; empty for the user's default server
 * @param image   image to run; must be on the container manager's allow-list
 * @param token   per-container token the notebook requires; the router adds it as {@code Authorization: token …}
 * @param baseUrl path prefix the notebook serves under, such as {@code /user/alice/}
 * @param profile limit profile to run with; empty for the default
 * @param account the owner's immutable account id, which names the home volume (a name may pass to a new account);
 *                empty only where there are no homes
 */
public record LaunchSpec(String user, String server, String image, String token, String baseUrl, String profile,
                         String account) {

  public LaunchSpec {
    profile = profile == null ? "" : profile;
    account = account == null ? "" : account;
  }

  public LaunchSpec(String user, String server, String image, String token, String baseUrl) {
    this(user, server, image, token, baseUrl, "", "");
  }

  public LaunchSpec(String user, String server, String image, String token, String baseUrl, String profile) {
    this(user, server, image, token, baseUrl, profile, "");
  }

  public JsonObject toJson() {
    return new JsonObject()
      .put("user", user)
      .put("server", server)
      .put("image", image)
      .put("token", token)
      .put("baseUrl", baseUrl)
      .put("profile", profile)
      .put("account", account);
  }

  public static LaunchSpec fromJson(JsonObject json) {
    return new LaunchSpec(
      json.getString("user"),
      json.getString("server", ""),
      json.getString("image"),
      json.getString("token"),
      json.getString("baseUrl"),
      json.getString("profile", ""),
      json.getString("account", ""));
  }
}
