package io.wharf.session.hub;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.wharf.session.Scopes;
import io.wharf.session.account.Accounts;
import io.wharf.session.account.HashingPool;
import io.wharf.session.limits.ClientAddress;
import io.wharf.session.limits.LoginLimits;
import io.wharf.session.store.Account;

import java.util.Set;

/**
 * {@code POST /hub/api/users/{name}/password}, body {@code {"current_password": "...",
 * "password": "..."}}: a user changes their own password by giving the current one (a wrong one
 * counts as a failed login, under the same limits); an admin sets anyone else's without it. The
 * new password has at least {@value #MIN_LENGTH} characters, as when an admin creates a user. Once
 * the new hash is in the database, every login session of the account ends on every instance;
 * a caller who changed their own password with the session cookie gets a new cookie, so only
 * their other sessions end. API tokens are not touched.
 */
final class PasswordApi {

  /** The shortest password accepted (NIST SP 800-63B's minimum for a chosen secret). */
  static final int MIN_LENGTH = 8;
  private static final Set<String> FIELDS = Set.of("current_password", "password");

  private final Callers callers;
  private final Accounts accounts;
  private final Sessions sessions;
  private final LoginLimits limits;
  private final ClientAddress clients;
  private final LoginHandler login;

  PasswordApi(Callers callers, Accounts accounts, Sessions sessions, LoginLimits limits, ClientAddress clients, LoginHandler login) {
    this.callers = callers;
    this.accounts = accounts;
    this.sessions = sessions;
    this.limits = limits;
    this.clients = clients;
    this.login = login;
  }

  void change(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    callers.authenticated(ctx, caller -> {
      boolean self = caller.name().equals(name);
      if (self ? !caller.may(Scopes.TOKENS, name) : !caller.may(Scopes.ADMIN_USERS, name)) {
        Replies.error(ctx, 403, self ? "missing scope " + Scopes.TOKENS : "only an admin may set another user's password");
        return;
      }
      JsonObject body = UserAdminApi.body(ctx);
      String refused = body == null ? null : refusal(body, self);
      if (body == null) {
        return;
      }
      if (refused != null) {
        Replies.error(ctx, 400, refused);
        return;
      }
      Account account = accounts.find(name);
      if (account == null) {
        Replies.error(ctx, 404, "no such user: " + name);
        return;
      }
      String password = body.getString("password");
      if (self) {
        checkCurrent(ctx, account, body.getString("current_password"), password, caller.viaCookie());
      } else {
        save(ctx, account, password, false);
      }
    });
  }

  /** Why the body is refused (naming the field), or null. */
  private static String refusal(JsonObject body, boolean self) {
    for (String field : body.fieldNames()) {
      if (!FIELDS.contains(field)) {
        return "unknown field: " + field;
      }
    }
    Object password = body.getValue("password");
    if (!(password instanceof String text)) {
      return "password must be a string";
    }
    if (text.length() < MIN_LENGTH) {
      return "password must have at least " + MIN_LENGTH + " characters";
    }
    Object current = body.getValue("current_password");
    if (self && !(current instanceof String)) {
      return "current_password must be a string: your own password changes only with the current one";
    }
    if (current != null && !(current instanceof String)) {
      return "current_password must be a string";
    }
    return null;
  }

  private void checkCurrent(RoutingContext ctx, Account account, String current, String password, boolean viaCookie) {
    limits.admit(account.name(), clients.of(ctx.request())).onComplete(admitted -> {
      if (admitted.failed()) {
        Replies.error(ctx, 503, "the shared state did not answer; try again");
      } else if (!admitted.result().admitted()) {
        Replies.retryLater(ctx, 429, admitted.result().retryAfterNanos(), "too many failed logins; try again later");
      } else {
        LoginLimits.Admission admission = admitted.result();
        accounts.authenticate(account.name(), current).onComplete(ar -> {
          if (ar.failed() && ar.cause() instanceof HashingPool.Full) {
            limits.abandoned(admission);
            Replies.retryLater(ctx, 503, 1_000_000_000L, ar.cause().getMessage());
          } else if (ar.failed()) {
            limits.failed(admission).onComplete(v -> Replies.error(ctx, 403, "current_password is wrong"));
          } else {
            limits.succeeded(admission);
            save(ctx, ar.result(), password, viaCookie);
          }
        });
      }
    });
  }

  /** Stores the new hash, then ends every session of the account; {@code reissue}: the caller gets a fresh cookie. */
  private void save(RoutingContext ctx, Account account, String password, boolean reissue) {
    accounts.changePassword(account, password)
      .compose(saved -> sessions.endAll(saved.id()).map(saved))
      .compose(saved -> reissue ? login.reissue(ctx, saved) : Future.succeededFuture())
      .onSuccess(v -> Replies.noContent(ctx))
      .onFailure(err -> Replies.error(ctx, 503, "could not change the password of " + account.name() + "; try again"));
  }
}
