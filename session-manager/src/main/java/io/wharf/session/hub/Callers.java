package io.wharf.session.hub;

import io.vertx.core.Future;
import io.vertx.core.http.Cookie;
import io.vertx.ext.web.RoutingContext;
import io.wharf.session.Scopes;
import io.wharf.session.Secrets;
import io.wharf.session.SessionCookies;
import io.wharf.session.SessionRevocations;
import io.wharf.session.account.Accounts;
import io.wharf.session.limits.ApiLimits;
import io.wharf.session.store.Account;
import io.wharf.session.store.TokenStore;

import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Who is calling the hub: an API token ({@code Authorization: token …} or {@code Bearer …}),
 * limited to its scopes and its owner's, or the session cookie, with every scope the account's
 * roles give ({@link Scopes}). Every API route answers the same way when it cannot tell: 503 when
 * the shared state does not answer, 403 when nothing valid authenticates the request (as
 * JupyterHub answers, which its clients expect) or the caller lacks the scope, and 429 with
 * {@code Retry-After} when the caller is past its API rate ({@link ApiLimits}).
 */
final class Callers {

  private final SessionCookies cookies;
  private final Accounts accounts;
  private final TokenStore tokens;
  private final String cookieName;
  private final ApiLimits limits;
  private final SessionRevocations revocations;
  private final Function<String, Set<String>> groupsOf;
  private final Services services;
  private final ApiActivity activity;

  /**
   * @param groupsOf the groups a user belongs to (for {@code !group=} filters)
   * @param services the configured services, whose tokens are checked before users' tokens
   * @param activity where a user's and a token's use is recorded ({@code last_activity})
   */
  Callers(SessionCookies cookies, Accounts accounts, TokenStore tokens, String cookieName, ApiLimits limits,
          SessionRevocations revocations, Function<String, Set<String>> groupsOf, Services services, ApiActivity activity) {
    this.groupsOf = groupsOf;
    this.services = services;
    this.activity = activity;
    this.cookies = cookies;
    this.revocations = revocations;
    this.accounts = accounts;
    this.tokens = tokens;
    this.cookieName = cookieName;
    this.limits = limits;
  }

  /** The secret of an API token in the Authorization header, or null. */
  static String bearer(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null) {
      return null;
    }
    if (header.regionMatches(true, 0, "token ", 0, 6)) {
      return header.substring(6).trim();
    }
    if (header.regionMatches(true, 0, "bearer ", 0, 7)) {
      return header.substring(7).trim();
    }
    return null;
  }

  /** The account of the session cookie, or null; pages use this, the API {@link #authenticated}. */
  Account cookieAccount(RoutingContext ctx) {
    SessionCookies.Claims claims = cookieClaims(ctx);
    if (claims == null) {
      return null;
    }
    Account account = accounts.find(claims.user());
    // A cookie belongs to an account, not a name: one of a deleted account that a new account
    // of the same name finds is refused, as is one whose session has ended (logout).
    return account != null && account.id().equals(claims.accountId()) && !revocations.revoked(claims) ? account : null;
  }

  /** The verified claims of the session cookie (revoked or not), or null when there is none or it does not verify. */
  SessionCookies.Claims cookieClaims(RoutingContext ctx) {
    Cookie cookie = ctx.request().getCookie(cookieName);
    if (cookie == null) {
      return null;
    }
    try {
      return cookies.verify(cookie.getValue());
    } catch (SessionCookies.InvalidCookieException e) {
      return null;
    }
  }

  /** The caller, or null when nothing valid authenticates the request. */
  Future<Scopes.Caller> caller(RoutingContext ctx) {
    String secret = bearer(ctx);
    if (secret == null) {
      Account account = cookieAccount(ctx);
      if (account != null) {
        activity.used(account.name(), null);
      }
      return Future.succeededFuture(account == null ? null : user(account, Scopes.grantable(account), true, null));
    }
    Services.Service service = services.byToken(secret);
    if (service != null) {
      return Future.succeededFuture(service.caller("service-" + service.options().name()));
    }
    return tokens.tokenByHash(Secrets.sha256Hex(secret)).map(token -> {
      Account owner = token == null || token.expired(System.currentTimeMillis()) ? null : accounts.find(token.user());
      // A token belongs to an account, not a name: a re-created account of that name does not get it.
      if (token == null || !token.ownedBy(owner)) {
        return null;
      }
      activity.used(owner.name(), token.hash());
      Set<String> owned = Scopes.grantable(owner);
      return user(owner, Scopes.intersect(Scopes.expand(token.scopes(), owner.name(), owned), owned), false, token.id());
    });
  }

  private Scopes.Caller user(Account account, Set<String> scopes, boolean viaCookie, String tokenId) {
    return new Scopes.Caller(account.name(), account, scopes, viaCookie, tokenId, groupsOf);
  }

  /** Runs {@code action} for an authenticated caller within its API rate; otherwise answers 503, 403 or 429. */
  void authenticated(RoutingContext ctx, Consumer<Scopes.Caller> action) {
    caller(ctx).onComplete(ar -> {
      if (ar.failed()) {
        Replies.error(ctx, 503, "authentication state unavailable");
      } else if (ar.result() == null) {
        Replies.error(ctx, 403, "authentication required: a valid API token or session cookie");
      } else {
        withinRate(ctx, ar.result(), action);
      }
    });
  }

  private void withinRate(RoutingContext ctx, Scopes.Caller caller, Consumer<Scopes.Caller> action) {
    String secret = bearer(ctx);
    Future<Long> wait = secret != null ? limits.token(Secrets.sha256Hex(secret)) : limits.session(caller.account().name());
    wait.onComplete(ar -> {
      if (ar.failed()) {
        Replies.error(ctx, 503, "authentication state unavailable");
      } else if (ar.result() > 0) {
        Replies.retryLater(ctx, 429, ar.result(), "too many API calls; slow down");
      } else {
        action.accept(caller);
      }
    });
  }

  /** Runs {@code action} when the caller may use {@code scope} on {@code user} (null: on anyone); otherwise 503, 403 or 429. */
  void require(RoutingContext ctx, String scope, String user, Consumer<Scopes.Caller> action) {
    authenticated(ctx, caller -> {
      if (caller.may(scope, user)) {
        action.accept(caller);
      } else {
        Replies.error(ctx, 403, "missing scope " + scope + (user == null ? "" : " for " + user));
      }
    });
  }

  /**
   * Runs {@code action} with the account named by the path's {@code name} when the caller may use
   * {@code scope} on it; 404 when there is no such account, otherwise as {@link #require}.
   */
  void requireAccount(RoutingContext ctx, String scope, BiConsumer<Scopes.Caller, Account> action) {
    String name = ctx.pathParam("name");
    require(ctx, scope, name, caller -> {
      Account account = accounts.find(name);
      if (account == null) {
        Replies.error(ctx, 404, "no such user: " + name);
      } else {
        action.accept(caller, account);
      }
    });
  }
}
