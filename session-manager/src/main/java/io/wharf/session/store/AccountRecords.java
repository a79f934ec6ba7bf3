package io.wharf.session.store;

import io.vertx.core.Future;

import java.util.List;

/**
 * Accounts as the database keeps them. Every call runs off the event loop, and a succeeded
 * future means the change is committed.
 */
public interface AccountRecords {

  Future<List<Account>> all();

  /** Adds {@code account}; fails with {@link NameTakenException} when an account of that name exists. */
  Future<Void> insert(Account account);

  /** Sets the admin flag and password hash of the account with {@code account.id()}; false when there is none. */
  Future<Boolean> update(Account account);

  /** Deletes the account with this id and, in the same transaction, its tokens; false when there was none. */
  Future<Boolean> delete(String accountId);
}
