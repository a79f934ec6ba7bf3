package io.wharf.router.impl;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * The fast path's answer timeouts on one event loop: the exchanges still waiting for their
 * container's head, in the order they started. All wait the same time, so the oldest is always
 * first, and one scheduled task, due at the oldest's deadline, serves them all. A task scheduled
 * and cancelled per request (a priority queue's insertion and removal) was about 2 % of the
 * router's CPU per proxied request (bench/README.md). Netty's {@code HashedWheelTimer} would
 * avoid the queue but runs its tasks on a thread of its own, so each timeout would have to hop
 * back to the exchange's event loop; this list needs neither. Used only on its event loop.
 */
final class AnswerDeadlines {

  /** One waiting exchange, linked into the list while it waits. */
  abstract static class Entry {
    private Entry previous;
    private Entry next;
    private boolean listed;
    private long deadline;

    /** Its deadline passed before it was removed; it is no longer listed. */
    abstract void timedOut();
  }

  private final EventLoop loop;
  private final long timeoutNanos;
  private Entry oldest;
  private Entry newest;
  private ScheduledFuture<?> timer;

  AnswerDeadlines(EventLoop loop, long timeoutMillis) {
    this.loop = loop;
    this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
  }

  /** Starts {@code entry}'s wait, begun at {@code startNanos} ({@link System#nanoTime}). */
  void add(Entry entry, long startNanos) {
    if (entry.listed) {
      return;
    }
    entry.deadline = startNanos + timeoutNanos;
    entry.listed = true;
    entry.previous = newest;
    entry.next = null;
    if (newest != null) {
      newest.next = entry;
    } else {
      oldest = entry;
    }
    newest = entry;
    if (timer == null) {
      arm(System.nanoTime());
    }
  }

  /** Ends {@code entry}'s wait, if it is listed; the task, if due for it, finds the next one. */
  void remove(Entry entry) {
    if (!entry.listed) {
      return;
    }
    entry.listed = false;
    if (entry.previous != null) {
      entry.previous.next = entry.next;
    } else {
      oldest = entry.next;
    }
    if (entry.next != null) {
      entry.next.previous = entry.previous;
    } else {
      newest = entry.previous;
    }
    entry.previous = null;
    entry.next = null;
  }

  private void arm(long now) {
    timer = loop.schedule(this::due, Math.max(0, oldest.deadline - now), TimeUnit.NANOSECONDS);
  }

  private void due() {
    timer = null;
    long now = System.nanoTime();
    while (oldest != null && oldest.deadline - now <= 0) {
      Entry late = oldest;
      remove(late);
      late.timedOut();
    }
    if (oldest != null && timer == null) {
      arm(now);
    }
  }
}
