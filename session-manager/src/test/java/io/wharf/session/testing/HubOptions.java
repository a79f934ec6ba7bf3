package io.wharf.session.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wharf.container.LimitProfiles;
import io.wharf.session.SessionManagerOptions;

import java.nio.file.Path;

/**
 * {@link SessionManagerOptions} for in-process hub tests: cheap password hashes, no culling,
 * and small limits a test can reach. The defaults a test may rely on: 2 concurrent launches,
 * 8 waiting, 3 servers per user of which 2 named, the admin {@value #ADMIN} with password
 * {@value #ADMIN_PASSWORD}, and two limit profiles besides the default: {@code small} for
 * everyone and {@code large} for {@code alice} only.
 */
public final class HubOptions {

  public static final String INSTANCE = "local";
  public static final String ADMIN = "admin";
  public static final String ADMIN_PASSWORD = "admin-password";
  public static final String COOKIE = "wharf-session";

  private int concurrentLaunches = 2;
  private int launchQueue = 8;
  private int serversPerUser = 3;
  private int namedServersPerUser = 2;
  private JsonObject containers = new JsonObject()
    .put("memory", "1g")
    .put("profiles", new JsonObject()
      .put("small", new JsonObject().put("memory", "512m"))
      .put("large", new JsonObject().put("memory", "4g").put("users", new JsonArray().add("alice"))));

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

  /** The {@code containers} section the limit profiles are read from. */
  public HubOptions containers(JsonObject section) {
    this.containers = section.copy();
    return this;
  }

  public SessionManagerOptions build(Path dataDir, Path staticDir) {
    return new SessionManagerOptions(INSTANCE, "127.0.0.1", dataDir, staticDir, true,
      COOKIE, ADMIN, ADMIN_PASSWORD, 1000,
      "wharf/jupyter:test", LimitProfiles.fromJson(containers), 60_000,
      concurrentLaunches, launchQueue, serversPerUser, namedServersPerUser,
      0, 0, 60_000, 30_000);
  }
}
