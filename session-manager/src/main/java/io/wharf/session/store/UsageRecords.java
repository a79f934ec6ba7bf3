package io.wharf.session.store;

import io.vertx.core.Future;

import java.util.Collection;
import java.util.List;

/** Durable usage records: one {@link UsageRun} per server run, kept after the account is deleted. */
public interface UsageRecords {

  /** Records {@code run} as running, unless a run of the same account, server and container is already open. */
  Future<Void> opened(UsageRun run);

  /** Closes the open run of that account, server and container (if any) at {@code stoppedAt}. */
  Future<Void> closed(String accountId, String server, String containerId, long stoppedAt, String reason);

  /** Closes, with reason {@code lost}, the runs open on {@code instance} whose container is not in {@code live}. */
  Future<Integer> closeLost(String instance, Collection<String> live, long stoppedAt);

  /** The runs of {@code accountId} that overlap [{@code since}, {@code until}), oldest first. */
  Future<List<UsageRun>> runsOf(String accountId, long since, long until);
}
