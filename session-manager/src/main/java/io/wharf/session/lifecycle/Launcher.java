package io.wharf.session.lifecycle;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.wharf.container.ContainerInfo;
import io.wharf.container.LaunchSpec;
import io.wharf.session.ServerRecord;
import io.wharf.session.store.Account;
import io.wharf.session.store.AccountStore;
import io.wharf.session.store.ServerStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * Runs claimed launches through this instance's bounded launch line: a waiting launch's
 * progress says its place; a running one asks the chosen instance's container manager for the
 * container and records the server ready, or failed with the reason a user can read.
 */
final class Launcher {

  private static final Logger log = LoggerFactory.getLogger(Launcher.class);

  private final ServerStore servers;
  private final AccountStore accounts;
  private final Progress progress;
  private final ContainerManagers containers;
  private final String image;
  private final SpawnQueue queue;
  private final Usage usage;
  private final Timer succeeded;
  private final Timer failed;

  Launcher(ServerStore servers, AccountStore accounts, Progress progress, ContainerManagers containers, String image,
           int concurrency, int bound, Usage usage, MeterRegistry registry) {
    this.servers = servers;
    this.usage = usage;
    this.accounts = accounts;
    this.progress = progress;
    this.containers = containers;
    this.image = image;
    this.queue = new SpawnQueue(concurrency, bound, this::queued);
    Gauge.builder("wharf.spawn.queue.length", queue, SpawnQueue::waiting)
      .description("Server launches waiting for a free launch slot on this instance").register(registry);
    this.succeeded = timer(registry, "success");
    this.failed = timer(registry, "failure");
  }

  private static Timer timer(MeterRegistry registry, String outcome) {
    return Timer.builder("wharf.spawn.duration").tag("outcome", outcome)
      .description("From the start request to a ready notebook, or to the failure")
      .publishPercentileHistogram()
      .register(registry);
  }

  /** Whether a new launch would be admitted now (it runs or waits). */
  boolean hasRoom() {
    return queue.hasRoom();
  }

  /** Runs or queues the launch of a claimed server; a full line fails it at once. */
  Future<ServerRecord> submit(ServerRecord pending) {
    if (queue.submit(pending.key(), () -> launch(pending))) {
      return Future.succeededFuture(pending);
    }
    // The line filled up between the caller's check and now.
    ServerRecord refused = pending.failed(StartRefused.queueFull().getMessage());
    return servers.put(refused).onComplete(v -> progress.publish(refused)).map(refused);
  }

  /** Drops a launch still waiting for its turn. */
  void cancel(String key) {
    queue.cancel(key);
  }

  /** A waiting launch's place in line changed: tell whoever follows its progress. */
  private void queued(String key, int position) {
    servers.get(key).onSuccess(record -> {
      if (record != null && record.pending() && record.containerId() == null) {
        ServerRecord waiting = record.progressed(10, "Waiting for a free launch slot: number " + position + " in line",
          System.currentTimeMillis());
        servers.replace(record, waiting).onSuccess(replaced -> {
          if (replaced) {
            progress.publish(waiting);
          }
        });
      }
    });
  }

  private void launch(ServerRecord pending) {
    ServerRecord launching = pending.progressed(30, "Launching a container on " + pending.instance(), System.currentTimeMillis());
    servers.put(launching).onSuccess(v -> progress.publish(launching));
    // The home volume is the account's, not the name's: a name may since have passed to a new account.
    Account owner = accounts.account(pending.user());
    Future<ContainerInfo> launched = owner == null
      ? Future.failedFuture(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 404, "There is no user " + pending.user() + "."))
      : containers.on(pending.instance()).launch(new LaunchSpec(pending.user(), pending.server(), image, pending.token(),
        pending.url(), pending.profile(), owner.id()));
    launched
      .onComplete(ar -> {
        queue.done();
        (ar.succeeded() ? succeeded : failed).record(System.currentTimeMillis() - pending.startedAt(), TimeUnit.MILLISECONDS);
      })
      .onSuccess(info -> onLaunched(pending, info))
      .onFailure(err -> {
        String reason = err instanceof ReplyException reply && reply.failureType() == ReplyFailure.RECIPIENT_FAILURE
          ? err.getMessage() : "The launch failed: " + err.getMessage();
        log.warn("Launch of {} failed: {}", pending.key(), reason);
        ServerRecord failedRecord = launching.failed(reason);
        servers.get(pending.key())
          // Stopped or replaced while launching: the failure belongs to nobody.
          .compose(current -> current != null && pending.token().equals(current.token())
            ? servers.replace(current, failedRecord) : Future.succeededFuture(false))
          .onSuccess(replaced -> {
            if (replaced) {
              progress.publish(failedRecord);
            }
          });
      });
  }

  private void onLaunched(ServerRecord pending, ContainerInfo info) {
    long now = System.currentTimeMillis();
    ServerRecord ready = pending.ready(info.id(), info.host(), info.port(), now);
    recordReady(pending, ready, 3).compose(recorded -> recorded ? usage.ready(ready, now)
        // Stopped, failed or replaced while launching: this container belongs to nobody.
        : containers.on(pending.instance()).stop(info.id()))
      .onFailure(err -> log.warn("Could not record {} as ready", pending.key(), err));
  }

  /**
   * Writes {@code ready} over this launch's own record only (same token, still pending), by
   * compare-and-set, so a stop between the read and the write is never undone; false when the
   * record is no longer this launch's.
   */
  private Future<Boolean> recordReady(ServerRecord pending, ServerRecord ready, int attempts) {
    return servers.get(pending.key()).compose(current -> {
      if (current == null || !pending.token().equals(current.token()) || !current.pending()) {
        return Future.succeededFuture(false);
      }
      return servers.replace(current, ready).compose(replaced -> {
        if (replaced) {
          progress.publish(ready);
          return Future.succeededFuture(true);
        }
        // The record changed in between (a progress update, a stop): look again.
        return attempts > 1 ? recordReady(pending, ready, attempts - 1) : Future.succeededFuture(false);
      });
    });
  }
}
