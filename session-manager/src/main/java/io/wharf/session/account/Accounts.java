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

  Future<Void> delete(String name);

  List<Account> all();
}
