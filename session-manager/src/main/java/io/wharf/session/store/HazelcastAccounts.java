package io.wharf.session.store;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.replicatedmap.ReplicatedMap;

import java.util.Collection;
import java.util.List;

/**
 * Accounts in the {@code wharf-accounts} replicated map: small, and read on every hub request.
 * A replicated map has no map store, so the hub writes the database itself, before this.
 */
final class HazelcastAccounts implements AccountStore {

  private final ReplicatedMap<String, Account> accounts;

  HazelcastAccounts(HazelcastInstance hazelcast) {
    this.accounts = hazelcast.getReplicatedMap(HazelcastMaps.ACCOUNTS);
  }

  @Override
  public Account account(String name) {
    return accounts.get(name);
  }

  @Override
  public void saveAccount(Account account) {
    accounts.put(account.name(), account);
  }

  @Override
  public void removeAccount(String name) {
    accounts.remove(name);
  }

  @Override
  public Collection<Account> accounts() {
    return List.copyOf(accounts.values());
  }
}
