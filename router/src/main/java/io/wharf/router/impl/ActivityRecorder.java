package io.wharf.router.impl;

import io.vertx.core.Vertx;
import io.wharf.session.ActivitySink;

import java.util.HashMap;
import java.util.Map;

/**
 * What the routers saw of each server's traffic (HTTP requests, WebSocket data both ways),
 * written to the cluster in batches: the culler and {@code last_activity} read it there.
 *
 * <p>Each event loop notes activity in its own {@link Local} map with no locking and no
 * cluster write; every {@code flushMillis} the loops hand their notes over, and one timer writes
 * the merged batch, so a busy server costs at most one cluster write per interval.
 */
public final class ActivityRecorder {

  private final ActivitySink store;
  private Map<String, Long> merged = new HashMap<>();

  private ActivityRecorder(ActivitySink store) {
    this.store = store;
  }

  /** Starts the periodic write of merged activity. */
  public static ActivityRecorder start(Vertx vertx, ActivitySink store, long flushMillis) {
    ActivityRecorder recorder = new ActivityRecorder(store);
    vertx.setPeriodic(flushMillis, flushMillis, id -> recorder.flush());
    return recorder;
  }

  private synchronized void merge(Map<String, long[]> notes) {
    notes.forEach((key, at) -> merged.merge(key, at[0], Math::max));
  }

  private void flush() {
    Map<String, Long> batch;
    synchronized (this) {
      if (merged.isEmpty()) {
        return;
      }
      batch = merged;
      merged = new HashMap<>();
    }
    store.recordActivity(batch);
  }

  /** One event loop's notes; create it on that loop and use it only there. */
  Local local(Vertx vertx, long flushMillis) {
    Local local = new Local();
    vertx.setPeriodic(flushMillis, flushMillis, id -> local.handOver());
    return local;
  }

  final class Local {
    private final Map<String, long[]> notes = new HashMap<>();

    /** Notes activity on the server {@code key} now. Allocation-free once the key is known. */
    void touch(String key) {
      long[] at = notes.get(key);
      if (at == null) {
        notes.put(key, new long[] {System.currentTimeMillis()});
      } else {
        at[0] = System.currentTimeMillis();
      }
    }

    private void handOver() {
      if (!notes.isEmpty()) {
        merge(notes);
        notes.clear();
      }
    }
  }
}
