package io.wharf.session.hub;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.wharf.session.Scopes;

/**
 * The API's root, {@code GET /hub/api} (unauthenticated, as JupyterHub's: clients read the
 * version before they authenticate) and {@code GET /hub/api/info} ({@code read:hub}). Every API
 * answer carries {@code X-JupyterHub-Version}, which JupyterHub's clients (HubAuth, the idle
 * culler) compare against their own: Wharf answers the JupyterHub version whose REST API it follows.
 */
final class InfoApi {

  /** The JupyterHub release whose REST API description the hub's tests check against. */
  static final String JUPYTERHUB_VERSION = "5.5.1";
  static final String VERSION_HEADER = "X-JupyterHub-Version";

  private final Callers callers;

  InfoApi(Callers callers) {
    this.callers = callers;
  }

  /** Puts the version header on every API answer. */
  static void versionHeader(RoutingContext ctx) {
    ctx.response().putHeader(VERSION_HEADER, JUPYTERHUB_VERSION);
    ctx.next();
  }

  void root(RoutingContext ctx) {
    Replies.json(ctx, 200, new JsonObject().put("version", JUPYTERHUB_VERSION));
  }

  void info(RoutingContext ctx) {
    callers.require(ctx, Scopes.READ_HUB, null, caller -> Replies.json(ctx, 200, new JsonObject()
      .put("version", JUPYTERHUB_VERSION)
      // Wharf runs no Python; these name what does the work instead.
      .put("python", "none (Java " + Runtime.version().feature() + ")")
      .put("sys_executable", "")
      .put("authenticator", new JsonObject().put("class", "wharf.LocalAccounts").put("version", wharfVersion()))
      .put("spawner", new JsonObject().put("class", "wharf.DockerContainers").put("version", wharfVersion()))
      .put("wharf", new JsonObject().put("version", wharfVersion()))));
  }

  private static String wharfVersion() {
    String version = InfoApi.class.getPackage().getImplementationVersion();
    return version == null ? "development" : version;
  }
}
