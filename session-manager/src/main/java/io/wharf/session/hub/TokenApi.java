package io.wharf.session.hub;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.wharf.session.Scopes;
import io.wharf.session.Secrets;
import io.wharf.session.store.Account;
import io.wharf.session.store.ActivityStore;
import io.wharf.session.store.ApiToken;
import io.wharf.session.store.TokenStore;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import java.util.function.Consumer;

/**
 * API tokens, with JupyterHub's paths and shapes: {@code POST/GET /hub/api/users/{name}/tokens}
 * and {@code GET/DELETE /hub/api/users/{name}/tokens/{id}}. The secret is shown once, at creation.
 * A token belongs to the account's id, so tokens are listed and made only for a user that exists.
 */
final class TokenApi {

  private final Callers callers;
  private final TokenStore tokens;
  private final ActivityStore activity;

  /** @param activity where the tokens' last use is recorded ({@link ApiActivity}) */
  TokenApi(Callers callers, TokenStore tokens, ActivityStore activity) {
    this.callers = callers;
    this.tokens = tokens;
    this.activity = activity;
  }

  /** Runs {@code action} with the account of the path's user when the caller may manage its tokens; 404 when there is none. */
  private void withAccount(RoutingContext ctx, String scope, Consumer<Account> action) {
    callers.requireAccount(ctx, scope, (caller, account) -> action.accept(account));
  }

  void create(RoutingContext ctx) {
    callers.requireAccount(ctx, Scopes.TOKENS, (caller, account) -> {
      JsonObject body = UserAdminApi.body(ctx);
      if (body == null) {
        return;
      }
      Object expiresIn = body.getValue("expires_in", 0);
      Object note = body.getValue("note", "");
      if (expiresIn == null) {
        expiresIn = 0;
      }
      if (!(expiresIn instanceof Number seconds) || seconds.longValue() < 0 || seconds.doubleValue() != seconds.longValue()) {
        Replies.error(ctx, 400, "expires_in must be a whole number of seconds, 0 or more (0 or null: never)");
        return;
      }
      if (!(note instanceof String text)) {
        Replies.error(ctx, 400, "note must be a string");
        return;
      }
      Set<String> scopes;
      try {
        scopes = requested(body, account, caller);
      } catch (IllegalArgumentException e) {
        Replies.error(ctx, 400, e.getMessage());
        return;
      }
      long now = System.currentTimeMillis();
      String value = Secrets.randomHex(32);
      ApiToken token = new ApiToken(value.substring(0, 8) + Long.toHexString(now & 0xffff), account.name(), account.id(),
        Secrets.sha256Hex(value), scopes, text, now, seconds.longValue() > 0 ? now + seconds.longValue() * 1000 : 0);
      // Answered 201 only once the database committed it.
      tokens.saveToken(token)
        .onSuccess(v -> Replies.json(ctx, 201, json(token, account, 0).put("token", value)))
        .onFailure(err -> Replies.error(ctx, 503, "could not store the token"));
    });
  }

  /**
   * The scopes a new token gets: those asked for ({@code scopes}, or the scopes of {@code roles}),
   * each a known scope, narrowed to what both the token's owner and the caller hold (an unfiltered
   * {@code servers} asked by a user becomes {@code servers!user=NAME}); a scope neither holds in
   * any form is refused. Nothing asked: {@code inherit} (JupyterHub's default, everything the owner
   * holds), or what the caller holds of it when the caller holds less (a narrow token cannot mint a
   * wider one). {@code inherit} asked for explicitly needs a caller holding all the owner holds.
   */
  private static Set<String> requested(JsonObject body, Account owner, Scopes.Caller caller) {
    Object scopes = body.getValue("scopes");
    Object roles = body.getValue("roles");
    if (scopes != null && roles != null) {
      throw new IllegalArgumentException("give scopes or roles, not both");
    }
    if (scopes != null && !(scopes instanceof JsonArray) || roles != null && !(roles instanceof JsonArray)) {
      throw new IllegalArgumentException("scopes and roles must be lists of names");
    }
    List<String> asked = new ArrayList<>();
    for (Object name : scopes != null ? (JsonArray) scopes : roles != null ? (JsonArray) roles : new JsonArray()) {
      if (!(name instanceof String text)) {
        throw new IllegalArgumentException("scopes and roles must be lists of names");
      }
      asked.add(text);
    }
    Set<String> owned = Scopes.grantable(owner);
    Set<String> both = Scopes.intersect(owned, caller.scopes());
    boolean coversOwner = both.containsAll(owned);
    Set<String> wanted = roles != null ? Scopes.ofRoles(asked) : new LinkedHashSet<>(asked);
    if (wanted.isEmpty()) {
      return coversOwner ? Set.of(Scopes.INHERIT) : Set.copyOf(both);
    }
    Set<String> granted = new LinkedHashSet<>();
    for (String scope : wanted) {
      Scopes.valid(scope);
      if (scope.equals(Scopes.INHERIT) && !coversOwner) {
        throw new IllegalArgumentException("cannot grant inherit: the caller holds less than the token's owner");
      }
      Set<String> narrowed = scope.equals(Scopes.INHERIT) ? Set.of(scope)
        : Scopes.intersect(Scopes.intersect(Scopes.expand(Set.of(scope), owner.name(), owned).stream()
          .filter(s -> s.equals(scope) || scope.equals(Scopes.SELF)).collect(Collectors.toSet()), owned), caller.scopes());
      if (narrowed.isEmpty()) {
        throw new IllegalArgumentException("cannot grant a scope that the token's owner or the caller does not hold: " + scope);
      }
      granted.addAll(narrowed);
    }
    return Set.copyOf(granted);
  }

  void list(RoutingContext ctx) {
    withAccount(ctx, Scopes.READ_TOKENS, account -> tokens.tokensOf(account.id())
      .compose(list -> activity.activity(list.stream().map(t -> ApiActivity.tokenKey(t.hash())).toList()).map(used -> {
        JsonArray array = new JsonArray();
        list.stream().sorted((a, b) -> Long.compare(a.createdAt(), b.createdAt()))
          .forEach(t -> array.add(json(t, account, used.getOrDefault(ApiActivity.tokenKey(t.hash()), 0L))));
        return new JsonObject().put("api_tokens", array).put("oauth_tokens", new JsonArray());
      }))
      .onSuccess(body -> Replies.json(ctx, 200, body))
      .onFailure(err -> Replies.error(ctx, 503, "token state unavailable")));
  }

  void get(RoutingContext ctx) {
    withToken(ctx, Scopes.READ_TOKENS, (account, token) -> activity.activity(List.of(ApiActivity.tokenKey(token.hash())))
      .onSuccess(used -> Replies.json(ctx, 200, json(token, account, used.getOrDefault(ApiActivity.tokenKey(token.hash()), 0L))))
      .onFailure(err -> Replies.error(ctx, 503, "token state unavailable")));
  }

  void delete(RoutingContext ctx) {
    withToken(ctx, Scopes.TOKENS, (account, token) -> tokens.removeToken(token.hash())
      .onSuccess(v -> Replies.noContent(ctx))
      .onFailure(err -> Replies.error(ctx, 503, "could not revoke the token")));
  }

  private void withToken(RoutingContext ctx, String scope, BiConsumer<Account, ApiToken> action) {
    String id = ctx.pathParam("id");
    withAccount(ctx, scope, account -> tokens.tokensOf(account.id()).onSuccess(list -> {
      ApiToken token = list.stream().filter(t -> t.id().equals(id)).findFirst().orElse(null);
      if (token == null) {
        Replies.error(ctx, 404, "no such token: " + id);
      } else {
        action.accept(account, token);
      }
    }).onFailure(err -> Replies.error(ctx, 503, "token state unavailable")));
  }

  /**
   * A token model as JupyterHub shows it, never the secret: its scopes as they take effect now
   * (expanded, within what its owner holds), {@code roles} always empty (JupyterHub's deprecated
   * field), {@code last_activity} (to the minute; null if never used) and no {@code session_id}
   * (Wharf's tokens come from no OAuth session).
   */
  static JsonObject json(ApiToken token, Account owner, long lastActivity) {
    Set<String> owned = Scopes.grantable(owner);
    return new JsonObject()
      .put("kind", "api_token")
      .put("id", token.id())
      .put("user", token.user())
      .put("note", token.note())
      .put("roles", new JsonArray())
      .put("scopes", new JsonArray(Scopes.intersect(Scopes.expand(token.scopes(), owner.name(), owned), owned)
        .stream().sorted().toList()))
      .put("created", ServerModel.iso(token.createdAt()))
      .put("expires_at", ServerModel.iso(token.expiresAt()))
      .put("last_activity", ServerModel.iso(lastActivity))
      .put("session_id", null);
  }
}
