package io.wharf.session.hub;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.wharf.session.Scopes;
import io.wharf.session.Secrets;
import io.wharf.session.account.Accounts;
import io.wharf.session.store.Account;
import io.wharf.session.store.ApiToken;
import io.wharf.session.store.TokenStore;

import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * API tokens, with JupyterHub's paths and shapes: {@code POST/GET /hub/api/users/{name}/tokens}
 * and {@code GET/DELETE /hub/api/users/{name}/tokens/{id}}. The secret is shown once, at creation.
 * A token belongs to the account's id, so tokens are listed and made only for a user that exists.
 */
final class TokenApi {

  private static final Set<String> USER_SCOPES = Set.of(Scopes.SERVERS, Scopes.READ_USERS, Scopes.TOKENS);

  private final Callers callers;
  private final Accounts accounts;
  private final TokenStore tokens;

  TokenApi(Callers callers, Accounts accounts, TokenStore tokens) {
    this.callers = callers;
    this.accounts = accounts;
    this.tokens = tokens;
  }

  /** Runs {@code action} with the account of the path's user when the caller may manage its tokens; 404 when there is none. */
  private void withAccount(RoutingContext ctx, Consumer<Account> action) {
    String name = ctx.pathParam("name");
    callers.require(ctx, Scopes.TOKENS, name, caller -> {
      Account account = accounts.find(name);
      if (account == null) {
        Replies.error(ctx, 404, "no such user: " + name);
      } else {
        action.accept(account);
      }
    });
  }

  void create(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    callers.require(ctx, Scopes.TOKENS, name, caller -> {
      Account account = accounts.find(name);
      if (account == null) {
        Replies.error(ctx, 404, "no such user: " + name);
        return;
      }
      JsonObject body = UserAdminApi.body(ctx);
      if (body == null) {
        return;
      }
      Object asked = body.getValue("scopes");
      Object expiresIn = body.getValue("expires_in", 0);
      Object note = body.getValue("note", "");
      if (asked != null && !(asked instanceof JsonArray)) {
        Replies.error(ctx, 400, "scopes must be a list of scope names");
        return;
      }
      if (!(expiresIn instanceof Number seconds) || seconds.longValue() < 0 || seconds.doubleValue() != seconds.longValue()) {
        Replies.error(ctx, 400, "expires_in must be a whole number of seconds, 0 or more (0: never)");
        return;
      }
      if (!(note instanceof String text)) {
        Replies.error(ctx, 400, "note must be a string");
        return;
      }
      Set<String> scopes;
      try {
        // A token can grant only what its owner may hold, and what the caller itself holds.
        Set<String> allowed = new HashSet<>(caller.name().equals(name) ? Scopes.grantable(caller.account()) : USER_SCOPES);
        allowed.retainAll(caller.scopes());
        scopes = Scopes.requested((JsonArray) asked, Set.copyOf(allowed));
      } catch (IllegalArgumentException e) {
        Replies.error(ctx, 400, e.getMessage());
        return;
      }
      long now = System.currentTimeMillis();
      String value = Secrets.randomHex(32);
      ApiToken token = new ApiToken(value.substring(0, 8) + Long.toHexString(now & 0xffff), name, account.id(),
        Secrets.sha256Hex(value), scopes, text, now, seconds.longValue() > 0 ? now + seconds.longValue() * 1000 : 0);
      // Answered 201 only once the database committed it.
      tokens.saveToken(token)
        .onSuccess(v -> Replies.json(ctx, 201, json(token).put("token", value)))
        .onFailure(err -> Replies.error(ctx, 503, "could not store the token"));
    });
  }

  void list(RoutingContext ctx) {
    withAccount(ctx, account -> tokens.tokensOf(account.id())
      .onSuccess(list -> {
        JsonArray array = new JsonArray();
        list.stream().sorted((a, b) -> Long.compare(a.createdAt(), b.createdAt())).forEach(t -> array.add(json(t)));
        Replies.json(ctx, 200, new JsonObject().put("api_tokens", array).put("oauth_tokens", new JsonArray()));
      })
      .onFailure(err -> Replies.error(ctx, 503, "token state unavailable")));
  }

  void get(RoutingContext ctx) {
    withToken(ctx, token -> Replies.json(ctx, 200, json(token)));
  }

  void delete(RoutingContext ctx) {
    withToken(ctx, token -> tokens.removeToken(token.hash())
      .onSuccess(v -> Replies.noContent(ctx))
      .onFailure(err -> Replies.error(ctx, 503, "could not revoke the token")));
  }

  private void withToken(RoutingContext ctx, Consumer<ApiToken> action) {
    String id = ctx.pathParam("id");
    withAccount(ctx, account -> tokens.tokensOf(account.id()).onSuccess(list -> {
      ApiToken token = list.stream().filter(t -> t.id().equals(id)).findFirst().orElse(null);
      if (token == null) {
        Replies.error(ctx, 404, "no such token: " + id);
      } else {
        action.accept(token);
      }
    }).onFailure(err -> Replies.error(ctx, 503, "token state unavailable")));
  }

  /** A token model as JupyterHub shows it; never the secret. */
  static JsonObject json(ApiToken token) {
    return new JsonObject()
      .put("kind", "api_token")
      .put("id", token.id())
      .put("user", token.user())
      .put("note", token.note())
      .put("scopes", new JsonArray(token.scopes().stream().sorted().toList()))
      .put("created", ServerModel.iso(token.createdAt()))
      .put("expires_at", ServerModel.iso(token.expiresAt()));
  }
}
