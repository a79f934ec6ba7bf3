package io.wharf.session.store;

import java.util.Collection;

/**
 * Accounts as the cluster shares them, in front of the database ({@link AccountRecords}): every
 * instance holds all of them in memory (reads never leave the process) and a write reaches
 * every instance.
 */
public interface AccountStore {

  Account account(String name);

  void saveAccount(Account account);

  void removeAccount(String name);

  Collection<Account> accounts();
}
