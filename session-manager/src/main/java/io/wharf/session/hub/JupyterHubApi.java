package io.wharf.session.hub;

import io.vertx.ext.web.Router;
import io.wharf.session.SharedState;
import io.wharf.session.account.Accounts;
import io.wharf.session.account.DurableGroups;
import io.wharf.session.store.TokenStore;

/**
 * The parts of JupyterHub's REST API beyond users' servers and tokens: the root and info, the
 * users list and changes, groups, services, the proxy's table, token identification and shutdown. Mounted
 * by {@link HubRoutes} before its catch-all.
 */
final class JupyterHubApi {

  private final InfoApi info;
  private final UserList userList;
  private final UserEditApi userEdit;
  private final ServiceApi services;
  private final ProxyApi proxy;
  private final AuthorizationsApi authorizations;
  private final ShutdownApi shutdown;
  private final GroupApi groups;

  JupyterHubApi(Callers callers, Accounts accounts, TokenStore tokens, SharedState state, UserModels models, Services services,
                DurableGroups groups) {
    this.groups = new GroupApi(callers, accounts, groups);
    this.info = new InfoApi(callers);
    this.userList = new UserList(callers, accounts, state, models);
    this.userEdit = new UserEditApi(callers, accounts, state, models);
    this.services = new ServiceApi(callers, services);
    this.proxy = new ProxyApi(callers, state.servers());
    this.authorizations = new AuthorizationsApi(callers, accounts, tokens, models, services);
    this.shutdown = new ShutdownApi(callers);
  }

  void onShutdown(Runnable action) {
    shutdown.onShutdown(action);
  }

  void mount(Router router) {
    router.route("/hub/api").handler(InfoApi::versionHeader);
    router.route("/hub/api/*").handler(InfoApi::versionHeader);
    router.get("/hub/api").handler(info::root);
    router.get("/hub/api/").handler(info::root);
    router.get("/hub/api/info").handler(info::info);
    router.get("/hub/api/users").handler(userList::list);
    router.patch("/hub/api/users/:name").handler(userEdit::patch);
    router.post("/hub/api/users/:name/activity").handler(userEdit::activity);
    router.get("/hub/api/services").handler(services::list);
    router.get("/hub/api/services/:name").handler(services::get);
    router.get("/hub/api/proxy").handler(proxy::routes);
    router.post("/hub/api/proxy").handler(proxy::noOp);
    router.patch("/hub/api/proxy").handler(proxy::noOp);
    router.get("/hub/api/authorizations/token/:token").handler(authorizations::token);
    router.post("/hub/api/authorizations/token").handler(AuthorizationsApi::removed);
    router.post("/hub/api/shutdown").handler(shutdown::shutdown);
    router.get("/hub/api/groups").handler(groups::list);
    router.get("/hub/api/groups/:name").handler(groups::get);
    router.post("/hub/api/groups/:name").handler(groups::create);
    router.delete("/hub/api/groups/:name").handler(groups::delete);
    router.post("/hub/api/groups/:name/users").handler(groups::addUsers);
    router.delete("/hub/api/groups/:name/users").handler(groups::removeUsers);
    router.put("/hub/api/groups/:name/properties").handler(groups::properties);
  }
}
