package io.wharf.session.hub;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.wharf.session.Scopes;
import io.wharf.session.ServerRecord;
import io.wharf.session.SharedState;
import io.wharf.session.store.Account;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Builds user models from the shared state: the user's servers with the activity the routers
 * observed, the user's own activity (posted to {@code /activity}, kept in the activity map under
 * {@code user:NAME}, a key no server has), and the user's groups.
 */
final class UserModels {

  private final SharedState state;
  private final Function<String, Set<String>> groupsOf;

  UserModels(SharedState state, Function<String, Set<String>> groupsOf) {
    this.state = state;
    this.groupsOf = groupsOf;
  }

  static String activityKey(String user) {
    return "user:" + user;
  }

  /** The origin requests came to ({@code https://host}), for {@code full_url}. */
  static String origin(RoutingContext ctx) {
    String host = ctx.request().authority() == null ? null : ctx.request().authority().toString();
    return host == null ? null : ctx.request().scheme() + "://" + host;
  }

  /** Whether the request asks for stopped servers too ({@code include_stopped_servers}, with or without a value). */
  static boolean includeStopped(RoutingContext ctx) {
    String value = ctx.queryParams().get("include_stopped_servers");
    return value != null && !value.equalsIgnoreCase("false") && !value.equals("0");
  }

  /** {@code account}'s model as {@code caller} may see it. */
  Future<JsonObject> model(RoutingContext ctx, Scopes.Caller caller, Account account) {
    ServerModel.View view = ServerModel.View.of(caller, account.name(), origin(ctx), includeStopped(ctx));
    return withActivity(account.name()).map(found -> ServerModel.user(account, found.servers(),
      groupsOf.apply(account.name()), found.userActivity(), view));
  }

  /** A user's servers and activity. */
  record Found(List<ServerRecord> servers, long userActivity) {

    long lastActivity() {
      return servers.stream().mapToLong(ServerRecord::lastActivity).reduce(userActivity, Math::max);
    }
  }

  Future<Found> withActivity(String user) {
    return state.servers().serversOf(user).compose(servers -> {
      List<String> keys = new ArrayList<>(servers.stream().map(ServerRecord::key).toList());
      keys.add(activityKey(user));
      return state.activity().activity(keys).map(activity -> found(user, servers, activity));
    });
  }

  private static Found found(String user, List<ServerRecord> servers, Map<String, Long> activity) {
    return new Found(servers.stream().map(s -> s.withActivity(activity.getOrDefault(s.key(), 0L))).toList(),
      activity.getOrDefault(activityKey(user), 0L));
  }
}
