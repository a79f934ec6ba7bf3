package io.wharf.session.hub;

import io.vertx.ext.web.RoutingContext;
import io.wharf.session.Scopes;
import io.wharf.session.Secrets;
import io.wharf.session.account.Accounts;
import io.wharf.session.store.Account;
import io.wharf.session.store.ApiToken;
import io.wharf.session.store.TokenStore;

import java.util.Set;

/**
 * {@code GET /hub/api/authorizations/token/{token}} (deprecated in JupyterHub, kept for older
 * services): any authenticated caller learns whose a token is, the owner's user model, as having
 * the token means it may read its owner. 404 for a token that is unknown, expired or whose
 * account is gone. ({@code POST /hub/api/authorizations/token} is a 404 in JupyterHub 5 too.)
 */
final class AuthorizationsApi {

  private final Callers callers;
  private final Accounts accounts;
  private final TokenStore tokens;
  private final UserModels models;
  private final Services services;

  AuthorizationsApi(Callers callers, Accounts accounts, TokenStore tokens, UserModels models, Services services) {
    this.callers = callers;
    this.accounts = accounts;
    this.tokens = tokens;
    this.models = models;
    this.services = services;
  }

  void token(RoutingContext ctx) {
    String secret = ctx.pathParam("token");
    callers.authenticated(ctx, caller -> {
      Services.Service service = services.byToken(secret);
      if (service != null) {
        Replies.json(ctx, 200, service.model());
        return;
      }
      tokens.tokenByHash(Secrets.sha256Hex(secret)).onSuccess(token -> {
        Account owner = token == null || token.expired(System.currentTimeMillis()) ? null : accounts.find(token.user());
        if (token == null || !token.ownedBy(owner)) {
          Replies.error(ctx, 404, "no such token");
          return;
        }
        UserApi.reply(ctx, models.model(ctx, reader(owner, token), owner), 200);
      }).onFailure(err -> Replies.error(ctx, 503, "token state unavailable"));
    });
  }

  /** Who reads the owner's model: the token itself, which may read its owner (JupyterHub's identify scopes). */
  private static Scopes.Caller reader(Account owner, ApiToken token) {
    return new Scopes.Caller(owner.name(), owner, Scopes.expand(Set.of(Scopes.READ_USERS + "!user=" + owner.name(),
      Scopes.READ_SERVERS + "!user=" + owner.name()), owner.name(), Set.of()), false, token.id(), user -> Set.of());
  }

  /** {@code POST /hub/api/authorizations/token}: removed in JupyterHub 2.0, a 404 there as here. */
  static void removed(RoutingContext ctx) {
    Replies.error(ctx, 404, "POST /hub/api/authorizations/token was removed in JupyterHub 2.0; use /hub/api/users/{name}/tokens");
  }
}
