package io.wharf.session;

import io.wharf.session.store.Account;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * What a caller may do, in JupyterHub's scope vocabulary (JupyterHub 5): a scope is a name, such
 * as {@code servers} or {@code read:users}, optionally narrowed by a filter: {@code !user=NAME},
 * {@code !server=USER/SERVER} or {@code !group=GROUP}. A scope implies its subscopes
 * ({@code servers} implies {@code read:servers} and {@code delete:servers}, ...), with the same
 * filter. Two metascopes: {@code self}, a user's own resources ({@code servers!user=NAME}, ...),
 * and {@code inherit}, everything the token's owner holds.
 *
 * <p>Roles name sets of scopes, as JupyterHub's default roles: {@code user} ({@code self}),
 * {@code admin}, {@code server} and {@code token} ({@code inherit}). A person logged in with the
 * cookie holds their roles' scopes; an API token holds what it was created with, never more
 * than its owner holds now (so a token of a user who lost admin loses what admin gave it).
 *
 * <p>Tokens stored before this vocabulary held unfiltered names that are all JupyterHub scopes
 * ({@code servers}, {@code read:users}, {@code tokens}, {@code admin:users}, {@code read:metrics});
 * intersected with their owner's scopes they mean what they meant: a user's own, an admin's all.
 */
public final class Scopes {

  public static final String SERVERS = "servers";
  public static final String READ_SERVERS = "read:servers";
  public static final String DELETE_SERVERS = "delete:servers";
  public static final String ACCESS_SERVERS = "access:servers";
  public static final String ADMIN_SERVERS = "admin:servers";
  public static final String ADMIN_SERVER_STATE = "admin:server_state";
  public static final String LIST_USERS = "list:users";
  public static final String READ_USERS = "read:users";
  public static final String READ_USERS_NAME = "read:users:name";
  public static final String READ_USERS_GROUPS = "read:users:groups";
  public static final String READ_USERS_ACTIVITY = "read:users:activity";
  public static final String USERS_ACTIVITY = "users:activity";
  public static final String USERS = "users";
  public static final String DELETE_USERS = "delete:users";
  public static final String ADMIN_USERS = "admin:users";
  public static final String TOKENS = "tokens";
  public static final String READ_TOKENS = "read:tokens";
  public static final String GROUPS = "groups";
  public static final String READ_GROUPS = "read:groups";
  public static final String LIST_GROUPS = "list:groups";
  public static final String ADMIN_GROUPS = "admin:groups";
  public static final String DELETE_GROUPS = "delete:groups";
  public static final String READ_ROLES = "read:roles";
  public static final String LIST_SERVICES = "list:services";
  public static final String READ_SERVICES = "read:services";
  public static final String READ_HUB = "read:hub";
  public static final String PROXY = "proxy";
  public static final String SHUTDOWN = "shutdown";
  public static final String READ_METRICS = "read:metrics";
  public static final String SELF = "self";
  public static final String INHERIT = "inherit";
  public static final String NO_SCOPE = "(no_scope)";

  /** Each scope's direct subscopes (JupyterHub's {@code scope_definitions}). */
  private static final Map<String, List<String>> SUBSCOPES = Map.ofEntries(
    Map.entry(ADMIN_USERS, List.of("admin:auth_state", USERS, "read:roles:users", DELETE_USERS)),
    Map.entry(USERS, List.of(READ_USERS, LIST_USERS, USERS_ACTIVITY)),
    Map.entry(LIST_USERS, List.of(READ_USERS_NAME)),
    Map.entry(READ_USERS, List.of(READ_USERS_NAME, READ_USERS_GROUPS, READ_USERS_ACTIVITY)),
    Map.entry(READ_ROLES, List.of("read:roles:users", "read:roles:services", "read:roles:groups")),
    Map.entry(USERS_ACTIVITY, List.of(READ_USERS_ACTIVITY)),
    Map.entry(ADMIN_SERVERS, List.of(ADMIN_SERVER_STATE, SERVERS)),
    Map.entry(SERVERS, List.of(READ_SERVERS, DELETE_SERVERS)),
    Map.entry(READ_SERVERS, List.of(READ_USERS_NAME)),
    Map.entry(TOKENS, List.of(READ_TOKENS)),
    Map.entry(ADMIN_GROUPS, List.of(GROUPS, "read:roles:groups", DELETE_GROUPS)),
    Map.entry(GROUPS, List.of(READ_GROUPS, LIST_GROUPS)),
    Map.entry(LIST_GROUPS, List.of("read:groups:name")),
    Map.entry(READ_GROUPS, List.of("read:groups:name")),
    Map.entry("admin:services", List.of(LIST_SERVICES, READ_SERVICES, "read:roles:services")),
    Map.entry(LIST_SERVICES, List.of("read:services:name")),
    Map.entry(READ_SERVICES, List.of("read:services:name")),
    Map.entry("users:shares", List.of("read:users:shares")),
    Map.entry("groups:shares", List.of("read:groups:shares")),
    Map.entry("shares", List.of(ACCESS_SERVERS, "read:shares", "users:shares", "groups:shares")));

  /** Scopes without subscopes, and the metascopes. */
  private static final Set<String> LEAVES = Set.of("admin:auth_state", "read:roles:users", "read:roles:services",
    "read:roles:groups", DELETE_USERS, READ_USERS_NAME, READ_USERS_GROUPS, READ_USERS_ACTIVITY, ADMIN_SERVER_STATE,
    DELETE_SERVERS, READ_TOKENS, "read:groups:name", DELETE_GROUPS, "read:services:name", READ_HUB, ACCESS_SERVERS,
    "access:services", "read:users:shares", "read:groups:shares", "read:shares", PROXY, SHUTDOWN, READ_METRICS,
    "admin-ui", SELF, INHERIT, NO_SCOPE);

  /** What {@code self} means for user NAME: these scopes, filtered to {@code !user=NAME}. */
  private static final List<String> SELF_SCOPES = List.of(READ_USERS, READ_USERS_NAME, READ_USERS_GROUPS, "users:shares",
    "read:users:shares", "read:shares", USERS_ACTIVITY, READ_USERS_ACTIVITY, SERVERS, DELETE_SERVERS, READ_SERVERS, TOKENS,
    READ_TOKENS, ACCESS_SERVERS);

  /** JupyterHub's default roles. */
  public static final Map<String, List<String>> ROLES = Map.of(
    "user", List.of(SELF),
    "admin", List.of("admin-ui", ADMIN_USERS, ADMIN_SERVERS, "admin:services", TOKENS, ADMIN_GROUPS, LIST_SERVICES,
      READ_SERVICES, READ_HUB, PROXY, SHUTDOWN, "access:services", ACCESS_SERVERS, READ_ROLES, READ_METRICS, "shares"),
    "server", List.of(USERS_ACTIVITY + "!user", ACCESS_SERVERS + "!server"),
    "token", List.of(INHERIT));

  private Scopes() {
  }

  /** Whether {@code name} (without a filter) is a scope of the vocabulary. */
  public static boolean known(String name) {
    return SUBSCOPES.containsKey(name) || LEAVES.contains(name);
  }

  /**
   * Checks a scope as a request names it: a known name, with at most one filter of a known kind
   * and a non-empty value ({@code !server=} takes {@code USER/SERVER}).
   *
   * @throws IllegalArgumentException naming the fault
   */
  public static String valid(String scope) {
    int bang = scope.indexOf('!');
    String name = bang < 0 ? scope : scope.substring(0, bang);
    if (!known(name)) {
      throw new IllegalArgumentException("unknown scope: " + scope);
    }
    if (bang >= 0) {
      String filter = scope.substring(bang + 1);
      int eq = filter.indexOf('=');
      String kind = eq < 0 ? "" : filter.substring(0, eq);
      String value = eq < 0 ? "" : filter.substring(eq + 1);
      boolean ok = switch (kind) {
        case "user", "group" -> !value.isEmpty() && value.indexOf('/') < 0 && value.indexOf('!') < 0;
        case "server" -> value.indexOf('/') > 0 && value.indexOf('!') < 0;
        default -> false;
      };
      if (!ok || SELF.equals(name) || INHERIT.equals(name)) {
        throw new IllegalArgumentException("invalid scope filter: " + scope + " (use !user=NAME, !server=USER/SERVER or !group=NAME)");
      }
    }
    return scope;
  }

  /** The roles an account has: {@code user}, and {@code admin} for an admin. */
  public static List<String> roles(Account account) {
    return account.admin() ? List.of("admin", "user") : List.of("user");
  }

  /** The scopes of these roles, as written; throws IllegalArgumentException for an unknown role. */
  public static Set<String> ofRoles(Collection<String> roles) {
    Set<String> scopes = new LinkedHashSet<>();
    for (String role : roles) {
      List<String> its = ROLES.get(role);
      if (its == null) {
        throw new IllegalArgumentException("no such role: " + role);
      }
      scopes.addAll(its);
    }
    return scopes;
  }

  /** Everything an account holds, expanded: its roles' scopes, {@code self} for its own name. */
  public static Set<String> grantable(Account account) {
    return expand(ofRoles(roles(account)), account.name(), Set.of());
  }

  /**
   * Scopes with their subscopes, {@code self} resolved for {@code owner} (a user's name; null for
   * a service, for which it means nothing) and {@code inherit} replaced by {@code inherited}.
   */
  public static Set<String> expand(Collection<String> scopes, String owner, Set<String> inherited) {
    Set<String> out = new LinkedHashSet<>();
    for (String scope : scopes) {
      if (scope.equals(INHERIT)) {
        out.addAll(inherited);
      } else if (scope.equals(SELF)) {
        if (owner != null) {
          SELF_SCOPES.forEach(s -> out.add(s + "!user=" + owner));
        }
      } else {
        int bang = scope.indexOf('!');
        String filter = bang < 0 ? "" : scope.substring(bang);
        String name = bang < 0 ? scope : scope.substring(0, bang);
        // The server role's "!user" and "!server" stand for the owner's own; Wharf's services have no server.
        if (filter.equals("!user") || filter.equals("!server")) {
          continue;
        }
        addWithSubscopes(name, filter, out);
      }
    }
    return out;
  }

  private static void addWithSubscopes(String name, String filter, Set<String> out) {
    if (out.add(name + filter)) {
      for (String sub : SUBSCOPES.getOrDefault(name, List.of())) {
        addWithSubscopes(sub, filter, out);
      }
    }
  }

  /**
   * What a token holds: its own scopes, expanded, that its owner also holds ({@code owned}, expanded).
   * An unfiltered scope of the token takes whatever filters the owner's has.
   */
  public static Set<String> intersect(Set<String> token, Set<String> owned) {
    Set<String> out = new LinkedHashSet<>();
    for (String scope : token) {
      int bang = scope.indexOf('!');
      String name = bang < 0 ? scope : scope.substring(0, bang);
      if (owned.contains(name) || owned.contains(scope)) {
        out.add(scope);
      } else if (bang < 0) {
        owned.stream().filter(o -> o.startsWith(name + "!")).forEach(out::add);
      } else if (scope.startsWith(name + "!server=")) {
        String user = scope.substring(name.length() + 8, scope.indexOf('/', bang));
        if (owned.contains(name + "!user=" + user)) {
          out.add(scope);
        }
      }
    }
    return out;
  }

  /**
   * An authenticated caller: a user (with its account) or a service (account null).
   *
   * @param name      the user's or service's name
   * @param scopes    everything it may do, expanded
   * @param viaCookie whether the session cookie authenticated it (then the CSRF check applies)
   * @param tokenId   the id of the token it called with; null for the cookie
   * @param groupsOf  the groups a user belongs to, for {@code !group=} filters
   */
  public record Caller(String name, Account account, Set<String> scopes, boolean viaCookie, String tokenId,
                       Function<String, Set<String>> groupsOf) {

    /** A user calling with everything its account holds (the cookie), in no group. */
    public Caller(Account account, boolean viaCookie) {
      this(account.name(), account, grantable(account), viaCookie, null, user -> Set.of());
    }

    public boolean service() {
      return account == null;
    }

    /** Whether the caller holds {@code scope} on every user (unfiltered). */
    public boolean may(String scope) {
      return scopes.contains(scope);
    }

    /** Whether the caller holds {@code scope} on {@code user} (null: on every user). */
    public boolean may(String scope, String user) {
      if (scopes.contains(scope)) {
        return true;
      }
      if (user == null) {
        return false;
      }
      if (scopes.contains(scope + "!user=" + user)) {
        return true;
      }
      for (String group : groupsOf.apply(user)) {
        if (scopes.contains(scope + "!group=" + group)) {
          return true;
        }
      }
      return false;
    }

    /** Whether the caller holds {@code scope} on {@code user}'s server {@code server} ("" for the default one). */
    public boolean mayOnServer(String scope, String user, String server) {
      return may(scope, user) || scopes.contains(scope + "!server=" + user + "/" + server);
    }

    /** Whether the caller holds {@code scope} on group {@code group}. */
    public boolean mayOnGroup(String scope, String group) {
      return scopes.contains(scope) || scopes.contains(scope + "!group=" + group);
    }

    /** Whether the caller holds {@code scope} in any form (on someone). */
    public boolean mayAny(String scope) {
      return scopes.stream().anyMatch(s -> s.equals(scope) || s.startsWith(scope + "!"));
    }
  }
}
