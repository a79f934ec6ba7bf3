package io.wharf.session.testing;

import io.vertx.core.Future;
import io.wharf.session.store.UsageRecords;
import io.wharf.session.store.UsageRun;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** {@link UsageRecords} in memory, as the database keeps them, for lifecycle tests. */
public final class InMemoryUsage implements UsageRecords {

  private final List<UsageRun> runs = new ArrayList<>();
  private volatile boolean failing;

  /** From now on every write fails (or succeeds again), as a database that does not answer. */
  public void failing(boolean fail) {
    failing = fail;
  }

  @Override
  public synchronized Future<Void> opened(UsageRun run) {
    if (failing) {
      return Future.failedFuture(new IllegalStateException("the database does not answer"));
    }
    boolean open = runs.stream().anyMatch(r -> r.open() && same(r, run.accountId(), run.server(), run.containerId()));
    if (!open) {
      runs.add(run);
    }
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Void> closed(String accountId, String server, String containerId, long stoppedAt, String reason) {
    if (failing) {
      return Future.failedFuture(new IllegalStateException("the database does not answer"));
    }
    runs.replaceAll(r -> r.open() && same(r, accountId, server, containerId) ? close(r, stoppedAt, reason) : r);
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Integer> closeLost(String instance, Collection<String> live, long stoppedAt) {
    int[] closed = {0};
    runs.replaceAll(r -> {
      if (r.open() && r.instance().equals(instance) && !live.contains(r.containerId())) {
        closed[0]++;
        return close(r, stoppedAt, "lost");
      }
      return r;
    });
    return Future.succeededFuture(closed[0]);
  }

  @Override
  public synchronized Future<List<UsageRun>> runsOf(String accountId, long since, long until) {
    return Future.succeededFuture(runs.stream()
      .filter(r -> r.accountId().equals(accountId) && r.startedAt() < until && (r.open() || r.stoppedAt() > since)).toList());
  }

  /** Every run recorded so far, oldest first. */
  public synchronized List<UsageRun> all() {
    return List.copyOf(runs);
  }

  private static boolean same(UsageRun run, String accountId, String server, String containerId) {
    return run.accountId().equals(accountId) && run.server().equals(server) && run.containerId().equals(containerId);
  }

  private static UsageRun close(UsageRun r, long stoppedAt, String reason) {
    return new UsageRun(r.accountId(), r.user(), r.server(), r.profile(), r.instance(), r.containerId(), r.startedAt(), stoppedAt,
      reason);
  }
}
