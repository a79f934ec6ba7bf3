package io.wharf.session.store;

import java.util.Collection;

/**
 * Where accounts are shared: every instance holds all of them in memory (reads never leave the
 * process) and a write reaches every instance.
 */
public interface AccountStore {

  Account account(String name);

  void saveAccount(Account account);

  void removeAccount(String name);

  Collection<Account> accounts();

  /** Called, on some thread, after any instance changed an account. */
  void onAccountsChanged(Runnable listener);
}
