package io.wharf.session.lifecycle;

import io.vertx.core.Future;
import io.wharf.session.ServerRecord;
import io.wharf.session.store.Account;
import io.wharf.session.store.AccountStore;
import io.wharf.session.store.UsageRecords;
import io.wharf.session.store.UsageRun;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes the usage records of server runs as the lifecycle moves them: opened when a server
 * is ready (or re-adopted), closed when it stops for any reason. The writes go to the database
 * off the request's path; one that fails is logged and never fails the lifecycle step.
 */
public final class Usage {

  /** Why a run ended, as recorded. */
  public static final String STOPPED = "stopped";
  public static final String CULLED = "culled";
  public static final String DIED = "died";
  public static final String DELETED = "deleted";

  private static final Logger log = LoggerFactory.getLogger(Usage.class);

  private final UsageRecords records;
  /** The open writes in flight, by container: a close waits for its run's open. */
  private final Map<String, Future<Void>> opening = new ConcurrentHashMap<>();
  private final AccountStore accounts;

  Usage(UsageRecords records, AccountStore accounts) {
    this.records = records;
    this.accounts = accounts;
  }

  /** The records, for the usage API. */
  public UsageRecords records() {
    return records;
  }

  /** {@code record} is running in its container since {@code startedAt}. */
  Future<Void> ready(ServerRecord record, long startedAt) {
    Account owner = accounts.account(record.user());
    if (owner == null || record.containerId() == null) {
      return Future.succeededFuture();
    }
    UsageRun run = new UsageRun(owner.id(), record.user(), record.server(), record.profile(), record.instance(),
      record.containerId(), startedAt, 0, null);
    Future<Void> write = logged(records.opened(run), record);
    opening.put(record.containerId(), write);
    write.onComplete(ar -> opening.remove(record.containerId(), write));
    return write;
  }

  /** {@code record}'s run ended now, for {@code reason}. */
  Future<Void> ended(ServerRecord record, String reason) {
    Account owner = accounts.account(record.user());
    if (owner == null || record.containerId() == null) {
      return Future.succeededFuture();
    }
    long now = System.currentTimeMillis();
    // A stop right after the start must not close the run before its row is written: the close would find nothing.
    Future<Void> opened = opening.getOrDefault(record.containerId(), Future.succeededFuture());
    return opened.compose(v -> logged(records.closed(owner.id(), record.server(), record.containerId(), now, reason), record));
  }

  /** Closes the runs left open on {@code instance} whose containers are gone. */
  Future<Void> lost(String instance, Collection<String> live) {
    return records.closeLost(instance, live, System.currentTimeMillis()).<Void>mapEmpty().recover(err -> {
      log.warn("Could not close the usage records of {}'s lost servers: {}", instance, err.getMessage());
      return Future.succeededFuture();
    });
  }

  private static Future<Void> logged(Future<Void> write, ServerRecord record) {
    return write.recover(err -> {
      log.warn("Could not write the usage record of {}: {}", record.key(), err.getMessage());
      return Future.succeededFuture();
    });
  }
}
