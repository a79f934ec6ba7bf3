package io.wharf.session.hub;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.wharf.session.HttpReplies;
import io.wharf.session.Scopes;
import io.wharf.session.UserNames;
import io.wharf.session.account.Accounts;
import io.wharf.session.account.DurableGroups;
import io.wharf.session.store.Account;
import io.wharf.session.store.Group;
import io.wharf.session.store.NameTakenException;

import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * JupyterHub's groups: {@code GET /hub/api/groups} ({@code list:groups}, paged),
 * {@code GET/POST/DELETE /hub/api/groups/{name}} ({@code read:groups}, {@code admin:groups},
 * {@code delete:groups}), {@code POST/DELETE /hub/api/groups/{name}/users} and
 * {@code PUT /hub/api/groups/{name}/properties} ({@code groups}). Members are accounts; a
 * group's {@code !group=} filter lets a scope reach its members. Groups carry no roles in Wharf.
 */
final class GroupApi {

  private final Callers callers;
  private final Accounts accounts;
  private final DurableGroups groups;

  GroupApi(Callers callers, Accounts accounts, DurableGroups groups) {
    this.callers = callers;
    this.accounts = accounts;
    this.groups = groups;
  }

  void list(RoutingContext ctx) {
    callers.authenticated(ctx, caller -> {
      if (!caller.mayAny(Scopes.LIST_GROUPS)) {
        Replies.error(ctx, 403, "missing scope list:groups");
        return;
      }
      UserList.Page page = UserList.Page.of(ctx);
      if (page == null) {
        return;
      }
      Map<String, String> names = names();
      List<Group> visible = groups.all().stream().filter(g -> caller.mayOnGroup(Scopes.LIST_GROUPS, g.name()))
        .sorted(Comparator.comparing(Group::name)).toList();
      JsonArray items = new JsonArray();
      visible.stream().skip(page.offset()).limit(page.limit()).forEach(g -> items.add(model(g, names)));
      HttpReplies.json(ctx.response(), 200, page.answer(ctx, items, visible.size()));
    });
  }

  void get(RoutingContext ctx) {
    withGroup(ctx, Scopes.READ_GROUPS, group -> Replies.json(ctx, 200, model(group, names())));
  }

  /** Body, optional: {@code {"users": [...]}}, the first members. */
  void create(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    callers.require(ctx, Scopes.ADMIN_GROUPS, null, caller -> {
      if (!UserNames.valid(name)) {
        Replies.error(ctx, 400, "invalid group name: lower-case letters, digits, '.', '_' and '-', at most 64");
        return;
      }
      JsonObject body = UserAdminApi.body(ctx);
      Set<String> members = body == null ? null : memberIds(ctx, body, false);
      if (members == null) {
        return;
      }
      if (groups.find(name) != null) {
        Replies.error(ctx, 409, "Group " + name + " already exists");
        return;
      }
      answer(ctx, 201, groups.create(name, members));
    });
  }

  void delete(RoutingContext ctx) {
    withGroup(ctx, Scopes.DELETE_GROUPS, group -> groups.delete(group.name())
      .onSuccess(v -> Replies.noContent(ctx))
      .onFailure(err -> Replies.error(ctx, 503, "could not delete the group")));
  }

  void addUsers(RoutingContext ctx) {
    changeMembers(ctx, true);
  }

  void removeUsers(RoutingContext ctx) {
    changeMembers(ctx, false);
  }

  private void changeMembers(RoutingContext ctx, boolean add) {
    withGroup(ctx, Scopes.GROUPS, group -> {
      JsonObject body = UserAdminApi.body(ctx);
      Set<String> ids = body == null ? null : memberIds(ctx, body, true);
      if (ids != null) {
        answer(ctx, 200, add ? groups.members(group.name(), ids, Set.of()) : groups.members(group.name(), Set.of(), ids));
      }
    });
  }

  /** Body: the new properties, a JSON object. */
  void properties(RoutingContext ctx) {
    withGroup(ctx, Scopes.GROUPS, group -> {
      JsonObject body = UserAdminApi.body(ctx);
      if (body != null) {
        answer(ctx, 200, groups.properties(group.name(), body));
      }
    });
  }

  private void withGroup(RoutingContext ctx, String scope, Consumer<Group> action) {
    String name = ctx.pathParam("name");
    callers.authenticated(ctx, caller -> {
      Group group = groups.find(name);
      if (!caller.mayOnGroup(scope, name)) {
        Replies.error(ctx, 403, "missing scope " + scope + " for group " + name);
      } else if (group == null) {
        Replies.error(ctx, 404, "No such group: " + name);
      } else {
        action.accept(group);
      }
    });
  }

  /** The account ids of the body's {@code users}; null (answered 400) when one is unknown, or when required and absent. */
  private Set<String> memberIds(RoutingContext ctx, JsonObject body, boolean required) {
    Object users = body.getValue("users");
    if (users == null && !required) {
      return Set.of();
    }
    if (!(users instanceof JsonArray list) || required && list.isEmpty()) {
      Replies.error(ctx, 400, "Must specify users: {\"users\": [names]}");
      return null;
    }
    Set<String> ids = new LinkedHashSet<>();
    for (Object user : list) {
      Account account = user instanceof String name ? accounts.find(name) : null;
      if (account == null) {
        Replies.error(ctx, 400, "No such user: " + user);
        return null;
      }
      ids.add(account.id());
    }
    return ids;
  }

  private void answer(RoutingContext ctx, int status, Future<Group> change) {
    change.onSuccess(group -> {
      if (group == null) {
        Replies.error(ctx, 404, "No such group: " + ctx.pathParam("name"));
      } else {
        Replies.json(ctx, status, model(group, names()));
      }
    }).onFailure(err -> {
      if (err instanceof NameTakenException) {
        Replies.error(ctx, 409, "Group " + ctx.pathParam("name") + " already exists");
      } else {
        Replies.error(ctx, 503, "could not save the group");
      }
    });
  }

  /** Account ids to names, for the members that still exist. */
  private Map<String, String> names() {
    Map<String, String> names = new HashMap<>();
    accounts.all().forEach(a -> names.put(a.id(), a.name()));
    return names;
  }

  static JsonObject model(Group group, Map<String, String> names) {
    return new JsonObject()
      .put("kind", "group")
      .put("name", group.name())
      .put("users", new JsonArray(group.memberIds().stream().map(names::get).filter(n -> n != null).sorted().toList()))
      .put("properties", new JsonObject(group.properties()))
      .put("roles", new JsonArray());
  }
}
