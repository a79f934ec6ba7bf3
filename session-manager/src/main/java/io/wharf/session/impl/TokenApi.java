package io.wharf.session.impl;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.wharf.session.ApiToken;
import io.wharf.session.Scopes;
import io.wharf.session.TokenStore;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/**
 * API tokens, with JupyterHub's paths and shapes: {@code POST/GET /hub/api/users/{name}/tokens}
 * and {@code GET/DELETE /hub/api/users/{name}/tokens/{id}}. The secret is shown once, at creation.
 */
final class TokenApi {

  private final HubAuth auth;
  private final TokenStore tokens;
  private final SecureRandom random = new SecureRandom();

  TokenApi(HubAuth auth, TokenStore tokens) {
    this.auth = auth;
    this.tokens = tokens;
  }

  void create(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    auth.require(ctx, Scopes.TOKENS, name, caller -> {
      JsonObject body;
      try {
        body = ctx.body().length() == 0 ? new JsonObject() : ctx.body().asJsonObject();
      } catch (RuntimeException e) {
        HubAuth.error(ctx, 400, "body must be a JSON object");
        return;
      }
      if (body == null) {
        body = new JsonObject();
      }
      Set<String> scopes;
      try {
        // A token can grant only what its owner may hold, and what the caller itself holds.
        io.wharf.session.Account owner = caller.name().equals(name) ? caller.account() : null;
        Set<String> allowed = new java.util.HashSet<>(owner != null ? Scopes.grantable(owner) : Set.of(Scopes.SERVERS, Scopes.READ_USERS, Scopes.TOKENS));
        allowed.retainAll(caller.scopes());
        scopes = Scopes.requested(body.getJsonArray("scopes"), Set.copyOf(allowed));
      } catch (IllegalArgumentException | ClassCastException e) {
        HubAuth.error(ctx, 400, e.getMessage());
        return;
      }
      long now = System.currentTimeMillis();
      long expiresIn = body.getLong("expires_in", 0L);
      byte[] secret = new byte[32];
      random.nextBytes(secret);
      String value = HexFormat.of().formatHex(secret);
      ApiToken token = new ApiToken(HexFormat.of().formatHex(secret, 0, 4) + Long.toHexString(now & 0xffff), name,
        HubAuth.hash(value), scopes, body.getString("note", ""), now, expiresIn > 0 ? now + expiresIn * 1000 : 0);
      tokens.saveToken(token)
        .onSuccess(v -> HubAuth.json(ctx, 201, HubAuth.json(token).put("token", value)))
        .onFailure(err -> HubAuth.error(ctx, 503, "could not store the token"));
    });
  }

  void list(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    auth.require(ctx, Scopes.TOKENS, name, caller -> tokens.tokensOf(name)
      .onSuccess(list -> {
        JsonArray array = new JsonArray();
        list.stream().sorted((a, b) -> Long.compare(a.createdAt(), b.createdAt())).forEach(t -> array.add(HubAuth.json(t)));
        HubAuth.json(ctx, 200, new JsonObject().put("api_tokens", array).put("oauth_tokens", new JsonArray()));
      })
      .onFailure(err -> HubAuth.error(ctx, 503, "token state unavailable")));
  }

  void get(RoutingContext ctx) {
    withToken(ctx, token -> HubAuth.json(ctx, 200, HubAuth.json(token)));
  }

  void delete(RoutingContext ctx) {
    withToken(ctx, token -> tokens.removeToken(token.hash())
      .onSuccess(v -> ctx.response().setStatusCode(204).end())
      .onFailure(err -> HubAuth.error(ctx, 503, "could not revoke the token")));
  }

  private void withToken(RoutingContext ctx, java.util.function.Consumer<ApiToken> action) {
    String name = ctx.pathParam("name");
    String id = ctx.pathParam("id");
    auth.require(ctx, Scopes.TOKENS, name, caller -> tokens.tokensOf(name).onSuccess(list -> {
      ApiToken token = list.stream().filter(t -> t.id().equals(id)).findFirst().orElse(null);
      if (token == null) {
        HubAuth.error(ctx, 404, "no such token: " + id);
      } else {
        action.accept(token);
      }
    }).onFailure(err -> HubAuth.error(ctx, 503, "token state unavailable")));
  }
}
