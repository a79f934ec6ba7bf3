package io.wharf.session.store;

import io.vertx.core.Future;

import java.util.Collection;
import java.util.Map;

/**
 * When deleted accounts' home volumes are to be removed ({@code home_removals}). Every call runs
 * off the event loop, and a succeeded future means the change is committed.
 */
public interface HomeRemovalRecords {

  /** Records that the homes of account {@code accountId} (named {@code user}) go at {@code removeAt}, epoch millis. */
  Future<Void> schedule(String accountId, String user, long removeAt);

  /** The removal times recorded for those of {@code accountIds} that have one. */
  Future<Map<String, Long>> removalTimes(Collection<String> accountIds);
}
