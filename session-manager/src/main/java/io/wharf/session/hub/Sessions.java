package io.wharf.session.hub;

import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import io.wharf.session.Scopes;
import io.wharf.session.SessionCookies;
import io.wharf.session.SessionRevocations;
import io.wharf.session.store.Revocation;
import io.wharf.session.store.RevocationStore;

/**
 * Ends login sessions, written through to the database and then to every instance's
 * replicated map ({@link RevocationStore}): one session at logout, or all of an account's
 * ({@code DELETE /hub/api/users/{name}/sessions}, and when the account is deleted). A
 * revocation is kept until every cookie it refuses has expired anyway.
 */
final class Sessions {

  private final Callers callers;
  private final RevocationStore revocations;
  private final long cookieTtlMillis;

  Sessions(Callers callers, RevocationStore revocations, SessionCookies cookies) {
    this.callers = callers;
    this.revocations = revocations;
    this.cookieTtlMillis = cookies.ttl().toMillis();
  }

  /** Ends the login session of {@code claims}: no instance accepts its cookie again. */
  Future<Void> end(SessionCookies.Claims claims) {
    long now = System.currentTimeMillis();
    return revocations.revoke(new Revocation(SessionRevocations.sessionKey(claims.sessionId()), now,
      claims.expiresAtMillis() + SessionCookies.MAX_CLOCK_SKEW_MILLIS));
  }

  /** Ends every login session of the account with id {@code accountId} issued up to now. */
  Future<Void> endAll(String accountId) {
    long now = System.currentTimeMillis();
    return revocations.revoke(new Revocation(SessionRevocations.accountKey(accountId), now,
      now + cookieTtlMillis + SessionCookies.MAX_CLOCK_SKEW_MILLIS));
  }

  /**
   * {@code DELETE /hub/api/users/{name}/sessions}: 204 once every login session of the user has
   * ended on every instance (the caller's own too, when it is that user). Needs the
   * {@code tokens} scope for that user (the user themself, or an admin), like managing tokens.
   */
  void endAllOf(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    callers.requireAccount(ctx, Scopes.TOKENS, (caller, account) -> {
      endAll(account.id())
        .onSuccess(v -> Replies.noContent(ctx))
        .onFailure(err -> Replies.error(ctx, 503, "could not end the sessions of " + name + ": " + err.getMessage()));
    });
  }
}
