package io.wharf.session.testing;

import io.vertx.core.Future;
import io.wharf.session.ServerRecord;
import io.wharf.session.SharedState;
import io.wharf.session.store.Account;
import io.wharf.session.store.AccountStore;
import io.wharf.session.store.ActivityStore;
import io.wharf.session.store.ApiToken;
import io.wharf.session.store.CacheFill;
import io.wharf.session.store.Group;
import io.wharf.session.store.GroupStore;
import io.wharf.session.store.Revocation;
import io.wharf.session.store.RevocationStore;
import io.wharf.session.store.TokenStore;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The cluster's shared state in one process's memory, for unit tests: the same interfaces as
 * the Hazelcast adapters, with the same compare-and-set semantics, and no Hazelcast. A test can
 * make the store fail ({@link #failing(boolean)}) to check the 503 answers.
 */
public final class InMemoryState {

  private final InMemoryServers servers = new InMemoryServers(this);
  private final InMemoryCluster cluster = new InMemoryCluster(this);
  private final Map<String, Long> activity = new ConcurrentHashMap<>();
  private final Map<String, Account> accounts = new ConcurrentHashMap<>();
  private final Map<String, ApiToken> tokens = new ConcurrentHashMap<>();
  private final InMemoryRateLimits rateLimits = new InMemoryRateLimits(this);
  private final Map<String, Long> revocations = new ConcurrentHashMap<>();
  private boolean filled;
  private volatile boolean failing;

  /** While true, every asynchronous store call fails, as when the cluster does not answer. */
  public InMemoryState failing(boolean failing) {
    this.failing = failing;
    return this;
  }

  <T> Future<T> answer(T value) {
    return failing ? Future.failedFuture(new IllegalStateException("shared state unavailable")) : Future.succeededFuture(value);
  }

  public InMemoryServers servers() {
    return servers;
  }

  public InMemoryCluster cluster() {
    return cluster;
  }

  /** The rate-limit buckets, with a clock a test can move forward. */
  public InMemoryRateLimits rateLimits() {
    return rateLimits;
  }

  /** The activity map the routers write, as a test sees it. */
  public Map<String, Long> activityMap() {
    return activity;
  }

  /** The revocations map every instance reads, as a test sees it (key to time). */
  public Map<String, Long> revocationMap() {
    return revocations;
  }

  /** The {@link SharedState} over this memory. */
  /** Like the replicated map: reads are local and never fail. */
  private final GroupStore groups = new GroupStore() {
    private final Map<String, Group> all = new ConcurrentHashMap<>();

    @Override
    public Group group(String name) {
      return all.get(name);
    }

    @Override
    public Collection<Group> groups() {
      return List.copyOf(all.values());
    }

    @Override
    public void saveGroup(Group group) {
      all.put(group.name(), group);
    }

    @Override
    public void removeGroup(String name) {
      all.remove(name);
    }
  };

  public SharedState shared() {
    return new SharedState(servers, new Activity(), new Accounts(), new Tokens(), cluster, rateLimits, new Fill(), new Revocations(),
      groups);
  }

  /** Like the replicated map: reads are local and never fail; writes keep the later time. */
  private final class Revocations implements RevocationStore {
    @Override
    public Long revokedAt(String key) {
      return revocations.get(key);
    }

    @Override
    public Future<Void> revoke(Revocation revocation) {
      if (!failing) {
        revocations.merge(revocation.key(), revocation.at(), Math::max);
      }
      return answer(null);
    }

    @Override
    public Future<Void> fill(Collection<Revocation> all) {
      all.forEach(this::revoke);
      return answer(null);
    }
  }

  private final class Activity implements ActivityStore {
    @Override
    public Future<Void> recordActivity(Map<String, Long> lastActivity) {
      lastActivity.forEach((key, at) -> activity.merge(key, at, Math::max));
      return answer(null);
    }

    @Override
    public Future<Map<String, Long>> activity(Collection<String> keys) {
      return answer(keys.stream().filter(activity::containsKey).collect(Collectors.toMap(k -> k, activity::get)));
    }
  }

  private final class Accounts implements AccountStore {
    @Override
    public Account account(String name) {
      return name == null ? null : accounts.get(name);
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

  private final class Tokens implements TokenStore {
    @Override
    public Future<ApiToken> tokenByHash(String hash) {
      return answer(tokens.get(hash));
    }

    @Override
    public Future<Void> saveToken(ApiToken token) {
      tokens.put(token.hash(), token);
      return answer(null);
    }

    @Override
    public Future<List<ApiToken>> tokensOf(String accountId) {
      return answer(new ArrayList<>(tokens.values().stream().filter(t -> t.accountId().equals(accountId)).toList()));
    }

    @Override
    public Future<Void> removeToken(String hash) {
      tokens.remove(hash);
      return answer(null);
    }

    @Override
    public Future<Void> removeTokensOf(String accountId) {
      tokens.values().removeIf(t -> t.accountId().equals(accountId));
      return answer(null);
    }
  }

  /** Fills once per instance of this class, as the Hazelcast one does once per life of the cluster. */
  private final class Fill implements CacheFill {
    @Override
    public Future<Boolean> fillOnce(Collection<Account> loaded, Collection<ApiToken> loadedTokens) {
      synchronized (InMemoryState.this) {
        if (filled) {
          return answer(false);
        }
        Set<String> names = loaded.stream().map(Account::name).collect(Collectors.toSet());
        accounts.keySet().removeIf(name -> !names.contains(name));
        loaded.forEach(a -> accounts.put(a.name(), a));
        loadedTokens.forEach(t -> tokens.put(t.hash(), t));
        filled = true;
        return answer(true);
      }
    }
  }

  /** A record as stored, for tests that look at it directly. */
  public ServerRecord server(String user, String server) {
    return servers.peek(ServerRecord.key(user, server));
  }
}
