package io.wharf.session.account;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.wharf.session.store.Account;
import io.wharf.session.store.AccountRecords;
import io.wharf.session.store.AccountStore;
import io.wharf.session.store.IdentityRecords;
import io.wharf.session.store.TokenStore;

import java.util.List;
import java.util.UUID;

/**
 * Accounts, kept in the database and cached by the cluster. Reads come from the cache, in
 * memory on every instance. A write goes to the database first and then to the cache, and its
 * future succeeds only when both did: what the API acknowledges survives a stop of every
 * instance, and a deleted account cannot come back from some instance's copy.
 */
public final class DurableAccounts implements Accounts {

  private final Vertx vertx;
  private final AccountRecords records;
  private final IdentityRecords identities;
  private final AccountStore cache;
  private final TokenStore tokenCache;
  private final PasswordHasher hasher;
  private final HashingPool pool;
  // Compared against when the name is unknown, so a miss costs as much as a wrong password.
  private final String decoy;

  /** Without links to an OpenID Connect provider. Slow (it hashes a decoy password): build it off the event loop. */
  public DurableAccounts(Vertx vertx, AccountRecords records, AccountStore cache, TokenStore tokenCache, int iterations,
                         HashingPool pool) {
    this(vertx, records, null, cache, tokenCache, iterations, pool);
  }

  /** Slow (it hashes a decoy password): build it off the event loop. */
  public DurableAccounts(Vertx vertx, AccountRecords records, IdentityRecords identities, AccountStore cache, TokenStore tokenCache,
                         int iterations, HashingPool pool) {
    this.vertx = vertx;
    this.identities = identities;
    this.pool = pool;
    this.records = records;
    this.cache = cache;
    this.tokenCache = tokenCache;
    this.hasher = new PasswordHasher(iterations);
    this.decoy = hasher.hash("decoy");
  }

  @Override
  public Future<Account> authenticate(String name, String password) {
    Account account = name == null ? null : cache.account(name);
    // An account without a password (one that signs in elsewhere) never matches one.
    boolean known = account != null && account.passwordHash() != null;
    String hash = known ? account.passwordHash() : decoy;
    return pool.check(() -> password != null && hasher.matches(password, hash))
      .compose(ok -> ok && known ? Future.succeededFuture(account) : Future.failedFuture("invalid username or password"));
  }

  @Override
  public Account find(String name) {
    return cache.account(name);
  }

  /**
   * A new name gets a new account with a new id (failing with {@code NameTakenException} when
   * the database has one of that name); a known name keeps its id and creation time.
   */
  @Override
  public Future<Account> save(String name, String password, boolean admin) {
    Account previous = cache.account(name);
    if (previous == null && password == null) {
      return Future.failedFuture(new IllegalArgumentException("a new account needs a password"));
    }
    return (password == null ? Future.succeededFuture(previous.passwordHash()) : pool.hash(() -> hasher.hash(password)))
      .compose(hash -> {
        if (previous == null) {
          Account created = new Account(UUID.randomUUID().toString(), name, admin, hash, System.currentTimeMillis());
          return records.insert(created).compose(v -> cached(created));
        }
        Account changed = new Account(previous.id(), name, admin, hash, previous.createdAt());
        return records.update(changed).compose(found -> found
          ? cached(changed) : Future.failedFuture(new IllegalStateException("account " + name + " is gone")));
      });
  }

  @Override
  public Future<Account> changePassword(Account account, String password) {
    return pool.hash(() -> hasher.hash(password)).compose(hash -> {
      Account current = cache.account(account.name());
      if (current == null || !current.id().equals(account.id())) {
        return Future.failedFuture(new IllegalStateException("account " + account.name() + " is gone"));
      }
      Account changed = new Account(current.id(), current.name(), current.admin(), hash, current.createdAt());
      return records.update(changed).compose(found -> found
        ? cached(changed) : Future.failedFuture(new IllegalStateException("account " + account.name() + " is gone")));
    });
  }

  @Override
  public Future<Account> findLinked(String issuer, String subject) {
    if (identities == null) {
      return Future.succeededFuture();
    }
    return identities.accountOf(issuer, subject).map(id -> id == null ? null
      : cache.accounts().stream().filter(account -> account.id().equals(id)).findFirst().orElse(null));
  }

  @Override
  public Future<Account> createLinked(String name, boolean admin, String issuer, String subject) {
    if (identities == null) {
      return Future.failedFuture(new IllegalStateException("no single sign-on here"));
    }
    Account created = new Account(UUID.randomUUID().toString(), name, admin, null, System.currentTimeMillis());
    return identities.insertLinked(created, issuer, subject).compose(v -> cached(created));
  }

  private Future<Account> cached(Account account) {
    return vertx.executeBlocking(() -> {
      cache.saveAccount(account);
      return account;
    }, false);
  }

  /** Deletes the account and its tokens from the database (one transaction), then from the cache. */
  @Override
  public Future<Void> delete(String name) {
    Account account = cache.account(name);
    if (account == null) {
      return Future.succeededFuture();
    }
    return records.delete(account.id())
      .compose(v -> tokenCache.removeTokensOf(account.id()))
      .compose(v -> vertx.executeBlocking(() -> {
        Account cached = cache.account(name);
        // Only this account: the name may already belong to a new one.
        if (cached != null && cached.id().equals(account.id())) {
          cache.removeAccount(name);
        }
        return null;
      }, false));
  }

  @Override
  public List<Account> all() {
    return List.copyOf(cache.accounts());
  }
}
