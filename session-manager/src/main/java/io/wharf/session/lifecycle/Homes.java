package io.wharf.session.lifecycle;

import io.vertx.core.Future;
import io.wharf.container.ContainerManager;
import io.wharf.container.HomeVolume;
import io.wharf.session.SharedState;
import io.wharf.session.store.Account;
import io.wharf.session.store.HomeRemovalRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The home volumes of deleted accounts. A deletion first records in the database when the
 * account's homes are to go (at once, or after the retention period); only then is the account
 * deleted. Without retention the container manager of every live instance removes them right
 * after. Each instance with a container manager also sweeps its own engine at start and every
 * {@value #SWEEP_MILLIS} ms, removing the homes whose time has come: that is how a retention
 * period ends, also across restarts, and how an instance that was down, or a volume still in use
 * by a container on its way out, is caught up with. A volume is never removed while an account
 * of its id exists; volumes without a recorded removal (of another cluster, or from before
 * homes were keyed by account) are left alone.
 */
public final class Homes {

  private static final Logger log = LoggerFactory.getLogger(Homes.class);
  static final long SWEEP_MILLIS = 60_000;

  private final SharedState state;
  private final HomeRemovalRecords records;
  private final ContainerManagers containers;
  private final String instance;
  private final long retentionMillis;

  /**
   * @param instance        this instance, whose engine {@link #sweep} looks at
   * @param retentionMillis how long a deleted account's homes are kept; 0 to remove them at once
   */
  Homes(SharedState state, HomeRemovalRecords records, ContainerManagers containers, String instance, long retentionMillis) {
    this.state = state;
    this.records = records;
    this.containers = containers;
    this.instance = instance;
    this.retentionMillis = retentionMillis;
  }

  /**
   * Records (durably) when the homes of {@code account} are to be removed. Call it once the
   * account's servers have stopped and before the account is deleted, so no deletion loses it.
   */
  public Future<Void> schedule(Account account) {
    return records.schedule(account.id(), account.name(), System.currentTimeMillis() + retentionMillis);
  }

  /**
   * Once {@code account} is deleted, and unless homes are retained: removes its homes from the
   * engine of every live instance. Never fails: what it could not remove, the sweeps will.
   */
  public Future<Void> removeNow(Account account) {
    if (retentionMillis > 0) {
      return Future.succeededFuture();
    }
    return state.cluster().instances().compose(reports -> {
      Set<String> live = state.cluster().liveMembers();
      List<Future<List<String>>> removals = reports.stream().filter(r -> live.contains(r.member()))
        .map(r -> remove(containers.on(r.id()), account.id(), r.id())).toList();
      return Future.join(removals);
    }).<Void>mapEmpty().otherwiseEmpty();
  }

  /** Removes from this instance's engine the homes of deleted accounts whose time has come. */
  Future<Void> sweep() {
    ContainerManager local = containers.on(instance);
    return local.homes().compose(homes -> {
      Set<String> existing = accountIds();
      Set<String> orphaned = homes.stream().map(HomeVolume::account).filter(id -> !existing.contains(id))
        .collect(Collectors.toSet());
      return records.removalTimes(orphaned);
    }).compose(times -> {
      long now = System.currentTimeMillis();
      // Looked at again: an account may have been created since (an id is never reused, but better safe).
      Set<String> existing = accountIds();
      List<Future<List<String>>> removals = times.entrySet().stream()
        .filter(due -> due.getValue() <= now && !existing.contains(due.getKey()))
        .map(due -> remove(local, due.getKey(), instance)).toList();
      return Future.join(removals).mapEmpty();
    });
  }

  private Set<String> accountIds() {
    return state.accounts().accounts().stream().map(Account::id).collect(Collectors.toSet());
  }

  private static Future<List<String>> remove(ContainerManager manager, String accountId, String on) {
    return manager.removeHomes(accountId)
      .onSuccess(removed -> {
        if (!removed.isEmpty()) {
          log.info("Removed the home volumes {} of deleted account {} on {}", removed, accountId, on);
        }
      })
      .onFailure(err -> log.warn("Could not yet remove the homes of deleted account {} on {}: {}", accountId, on,
        err.getMessage()));
  }
}
