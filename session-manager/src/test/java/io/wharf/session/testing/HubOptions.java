package io.wharf.session.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wharf.config.WharfConfig;
import io.wharf.session.SessionManagerOptions;

import java.nio.file.Path;

/**
 * {@link SessionManagerOptions} for in-process hub tests: the shipped defaults with cheap password
 * hashes, no culling, and small limits a test can reach. The defaults a test may rely on: 2 concurrent launches,
 * 8 waiting, 3 servers per user of which 2 named, the admin {@value #ADMIN} with password
 * {@value #ADMIN_PASSWORD}, and two limit profiles besides the default: {@code small} for
 * everyone and {@code large} for {@code alice} only.
 */
public final class HubOptions {

  public static final String INSTANCE = "local";
  public static final String ADMIN = "admin";
  public static final String ADMIN_PASSWORD = "admin-password";
  public static final String COOKIE = "wharf-session";

  private boolean jarPages;
  private int concurrentLaunches = 2;
  private int launchQueue = 8;
  private int serversPerUser = 3;
  private int namedServersPerUser = 2;
  private JsonObject auth = new JsonObject();
  private JsonObject containers = new JsonObject()
    .put("memory", "1g")
    .put("profiles", new JsonObject()
      .put("small", new JsonObject().put("memory", "512m"))
      .put("large", new JsonObject().put("memory", "4g").put("users", new JsonArray().add("alice"))));

  /** Serve the pages packaged in the jar (an empty {@code router.static-dir}) rather than the test's placeholders. */
  public HubOptions jarPages() {
    this.jarPages = true;
    return this;
  }

  public HubOptions concurrentLaunches(int launches) {
    this.concurrentLaunches = launches;
    return this;
  }

  public HubOptions launchQueue(int waiting) {
    this.launchQueue = waiting;
    return this;
  }

  public HubOptions serversPerUser(int all, int named) {
    this.serversPerUser = all;
    this.namedServersPerUser = named;
    return this;
  }

  /** Keys of the {@code auth} section (rate limits, the hashing pool), laid over the fixture's. */
  public HubOptions auth(JsonObject section) {
    this.auth = section.copy();
    return this;
  }

  /** Keys of the {@code containers} section (the limit profiles among them), laid over the shipped ones. */
  public HubOptions containers(JsonObject section) {
    this.containers = section.copy();
    return this;
  }

  public SessionManagerOptions build(Path dataDir, Path staticDir) {
    JsonObject config = WharfConfig.defaults();
    config.getJsonObject("instance").put("id", INSTANCE).put("data-dir", dataDir.toString());
    config.getJsonObject("router").put("static-dir", jarPages ? "" : staticDir.toString());
    config.getJsonObject("auth").put("cookie-name", COOKIE).put("admin-user", ADMIN).put("admin-password", ADMIN_PASSWORD)
      .put("password-iterations", 1000);
    config.getJsonObject("auth").mergeIn(auth);
    config.getJsonObject("containers").put("image", "wharf/jupyter:test").mergeIn(containers);
    config.getJsonObject("servers").put("concurrent-launches", concurrentLaunches).put("launch-queue", launchQueue)
      .put("per-user", serversPerUser).put("named-per-user", namedServersPerUser)
      .put("cull-idle-seconds", 0).put("cull-max-age-seconds", 0);
    return SessionManagerOptions.fromJson(config);
  }
}
