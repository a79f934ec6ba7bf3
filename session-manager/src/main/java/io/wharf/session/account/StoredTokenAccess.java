package io.wharf.session.account;

import io.vertx.core.Future;
import io.wharf.session.Scopes;
import io.wharf.session.TokenAccess;
import io.wharf.session.store.Account;
import io.wharf.session.store.AccountStore;
import io.wharf.session.store.TokenStore;

import java.util.Set;

/**
 * {@link TokenAccess} over the cluster's token and account caches: the token by its hash (a
 * near-cached map), then its owner (a replicated map, a local read). Revoking a token or
 * deleting its account removes it from the token map, which invalidates every near-cache.
 */
public final class StoredTokenAccess implements TokenAccess {

  private final TokenStore tokens;
  private final AccountStore accounts;

  public StoredTokenAccess(TokenStore tokens, AccountStore accounts) {
    this.tokens = tokens;
    this.accounts = accounts;
  }

  @Override
  public Future<Grant> grant(String hash) {
    return tokens.tokenByHash(hash).map(token -> {
      if (token == null) {
        return null;
      }
      Account owner = accounts.account(token.user());
      // A token belongs to an account, not a name: a re-created account of that name does not get it.
      if (!token.ownedBy(owner)) {
        return null;
      }
      // What the token holds now, as the hub's API judges it: its scopes expanded, within its owner's.
      Set<String> owned = Scopes.grantable(owner);
      return new Grant(owner.name(), owner.admin(), Scopes.intersect(Scopes.expand(token.scopes(), owner.name(), owned), owned),
        token.expiresAt());
    });
  }
}
