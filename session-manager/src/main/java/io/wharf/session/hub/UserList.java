package io.wharf.session.hub;

import io.vertx.core.Future;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.wharf.session.HttpReplies;
import io.wharf.session.Scopes;
import io.wharf.session.ServerRecord;
import io.wharf.session.SharedState;
import io.wharf.session.account.Accounts;
import io.wharf.session.store.Account;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code GET /hub/api/users}, as JupyterHub 5 answers it: the users the caller may list
 * ({@code list:users}, perhaps filtered to some users or groups), narrowed by {@code state}
 * ({@code active}: a server running or starting; {@code ready}: one running; {@code inactive}:
 * none active) and {@code name_filter} (a substring, any case), ordered by {@code sort}
 * ({@code id}, {@code name} or {@code last_activity}, descending with a {@code -} prefix), and
 * cut by {@code offset} and {@code limit}. With {@code Accept: application/jupyterhub-pagination+json}
 * the answer is JupyterHub's envelope, {@code items} and {@code _pagination} with the next page's URL.
 */
final class UserList {

  static final String PAGINATION = "application/jupyterhub-pagination+json";

  private final Callers callers;
  private final Accounts accounts;
  private final SharedState state;
  private final UserModels models;

  UserList(Callers callers, Accounts accounts, SharedState state, UserModels models) {
    this.callers = callers;
    this.accounts = accounts;
    this.state = state;
    this.models = models;
  }

  void list(RoutingContext ctx) {
    callers.authenticated(ctx, caller -> {
      if (!caller.mayAny(Scopes.LIST_USERS)) {
        Replies.error(ctx, 403, "missing scope list:users");
        return;
      }
      Page page = Page.of(ctx);
      String filter = ctx.queryParams().get("state");
      String sort = ctx.queryParams().get("sort") == null ? "id" : ctx.queryParams().get("sort");
      String key = sort.startsWith("-") ? sort.substring(1) : sort;
      if (page == null) {
        return;
      }
      if (filter != null && !Set.of("active", "ready", "inactive").contains(filter)) {
        Replies.error(ctx, 400, "Unrecognized state filter: '" + filter + "'");
        return;
      }
      if (!Set.of("id", "name", "last_activity").contains(key)) {
        Replies.error(ctx, 400, "sort must be 'id', 'name', or 'last_activity', not '" + sort + "'");
        return;
      }
      String nameFilter = ctx.queryParams().get("name_filter");
      List<Account> listable = accounts.all().stream()
        .filter(a -> caller.may(Scopes.LIST_USERS, a.name()))
        .filter(a -> nameFilter == null || a.name().contains(nameFilter.toLowerCase(Locale.ROOT)))
        .toList();
      state.servers().serversIn(ServerRecord.State.RUNNING).compose(running -> state.servers().serversIn(ServerRecord.State.PENDING)
        .compose(pending -> {
          Set<String> ready = users(running);
          Set<String> active = new HashSet<>(ready);
          active.addAll(users(pending));
          List<Account> matching = listable.stream().filter(a -> filter == null
            || filter.equals("ready") && ready.contains(a.name())
            || filter.equals("active") && active.contains(a.name())
            || filter.equals("inactive") && !active.contains(a.name())).toList();
          return sorted(matching, key, sort.startsWith("-"));
        }))
        .compose(all -> {
          List<Account> slice = all.stream().skip(page.offset()).limit(page.limit()).toList();
          return Future.all(slice.stream().map(a -> models.model(ctx, caller, a)).toList())
            .map(models -> page.answer(ctx, new JsonArray(models.list()), all.size()));
        })
        .onSuccess(body -> HttpReplies.json(ctx.response(), 200, body))
        .onFailure(err -> Replies.error(ctx, 503, "session state unavailable"));
    });
  }

  private static Set<String> users(List<ServerRecord> servers) {
    Set<String> users = new HashSet<>();
    servers.forEach(s -> users.add(s.user()));
    return users;
  }

  /** {@code id} is the order of creation (then name: stable); {@code last_activity} puts users never active first, ascending. */
  private Future<List<Account>> sorted(List<Account> users, String key, boolean descending) {
    Comparator<Account> byId = Comparator.comparingLong(Account::createdAt).thenComparing(Account::name);
    if (!key.equals("last_activity")) {
      Comparator<Account> order = key.equals("name") ? Comparator.comparing(Account::name) : byId;
      return Future.succeededFuture(users.stream().sorted(descending ? order.reversed() : order).toList());
    }
    return Future.all(users.stream().map(a -> models.withActivity(a.name())).toList()).map(found -> {
      Map<String, Long> activity = new HashMap<>();
      for (int i = 0; i < users.size(); i++) {
        activity.put(users.get(i).name(), found.<UserModels.Found>resultAt(i).lastActivity());
      }
      Comparator<Account> order = Comparator.<Account>comparingLong(a -> activity.get(a.name())).thenComparing(byId);
      return users.stream().sorted(descending ? order.reversed() : order).toList();
    });
  }

  /** The page a list request asks for, JupyterHub's way. */
  record Page(int offset, int limit, boolean envelope) {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 200;

    /** The request's page; null (answered 400) when offset or limit is not a number. */
    static Page of(RoutingContext ctx) {
      String accept = ctx.request().getHeader("Accept");
      boolean envelope = accept != null && accept.contains(PAGINATION);
      try {
        String offset = ctx.queryParams().get("offset");
        String limit = ctx.queryParams().get("limit");
        // Without the envelope a client may not know to page: it gets the largest page, as from JupyterHub.
        int asked = limit == null ? (envelope ? DEFAULT_LIMIT : MAX_LIMIT) : Math.abs(Integer.parseInt(limit));
        return new Page(offset == null ? 0 : Math.abs(Integer.parseInt(offset)), Math.max(1, Math.min(MAX_LIMIT, asked)), envelope);
      } catch (NumberFormatException e) {
        Replies.error(ctx, 400, "Invalid argument type, offset and limit must be integers");
        return null;
      }
    }

    /** The answer, encoded: the items (a list, or the proxy's table) alone, or in the envelope with {@code _pagination}. */
    String answer(RoutingContext ctx, Object items, int total) {
      if (!envelope) {
        return Json.encode(items);
      }
      JsonObject next = null;
      if (offset + limit < total) {
        next = new JsonObject().put("offset", offset + limit).put("limit", limit).put("url", nextUrl(ctx, offset + limit));
      }
      return new JsonObject().put("items", items).put("_pagination", new JsonObject()
        .put("offset", offset).put("limit", limit).put("total", total).put("next", next)).encode();
    }

    private String nextUrl(RoutingContext ctx, int nextOffset) {
      StringBuilder url = new StringBuilder(UserModels.origin(ctx)).append(ctx.request().path()).append('?');
      ctx.queryParams().forEach(e -> {
        if (!e.getKey().equals("offset") && !e.getKey().equals("limit")) {
          url.append(encode(e.getKey())).append('=').append(encode(e.getValue())).append('&');
        }
      });
      return url.append("offset=").append(nextOffset).append("&limit=").append(limit).toString();
    }

    private static String encode(String value) {
      return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
  }
}
