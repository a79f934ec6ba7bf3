package io.wharf.session.account;

import io.vertx.core.Future;
import io.wharf.session.store.Account;

import java.util.List;

/** Local accounts. Password checks run off the event loop: the hash is slow on purpose. */
public interface Accounts {

  /**
   * The account when {@code password} is right, else a failed future; it costs the same either way.
   * Fails with {@link HashingPool.Full}, without checking, when too many checks are already waiting.
   */
  Future<Account> authenticate(String name, String password);

  /** The account, or null. Served from memory. */
  Account find(String name);

  /** Creates an account, or replaces its password and admin flag. */
  Future<Account> save(String name, String password, boolean admin);

  /**
   * Replaces the password of {@code account} (this account, by id: never a newer one of the same
   * name), hashing it on the bounded pool; succeeds with the changed account once it is in the
   * database and the cache.
   */
  Future<Account> changePassword(Account account, String password);

  /** The account linked to {@code subject} at the OpenID Connect provider {@code issuer}, or null; reads the database. */
  Future<Account> findLinked(String issuer, String subject);

  /**
   * Creates an account without a password, linked to {@code subject} at {@code issuer}; fails
   * with {@code NameTakenException} when an account of that name exists.
   */
  Future<Account> createLinked(String name, boolean admin, String issuer, String subject);

  Future<Void> delete(String name);

  List<Account> all();
}
