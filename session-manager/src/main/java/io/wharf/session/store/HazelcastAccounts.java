package io.wharf.session.store;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.EntryListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.MapEvent;
import com.hazelcast.replicatedmap.ReplicatedMap;

import java.util.Collection;
import java.util.List;

/** Accounts in the {@code wharf-accounts} replicated map: small, and read on every hub request. */
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

  @Override
  public void onAccountsChanged(Runnable listener) {
    accounts.addEntryListener(new AccountChanges(listener));
  }

  private record AccountChanges(Runnable listener) implements EntryListener<String, Account> {
    @Override
    public void entryAdded(EntryEvent<String, Account> event) {
      listener.run();
    }

    @Override
    public void entryUpdated(EntryEvent<String, Account> event) {
      listener.run();
    }

    @Override
    public void entryRemoved(EntryEvent<String, Account> event) {
      listener.run();
    }

    @Override
    public void entryEvicted(EntryEvent<String, Account> event) {
      listener.run();
    }

    @Override
    public void entryExpired(EntryEvent<String, Account> event) {
      listener.run();
    }

    @Override
    public void mapCleared(MapEvent event) {
      listener.run();
    }

    @Override
    public void mapEvicted(MapEvent event) {
      listener.run();
    }
  }
}
