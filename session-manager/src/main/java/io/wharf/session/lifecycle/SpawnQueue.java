package io.wharf.session.lifecycle;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Limits how many launches run at once and makes the rest wait their turn in a bounded line,
 * so a login burst is queued instead of refused (JupyterHub answers 429 once its concurrent
 * spawn limit is reached). Only past the line's bound is a launch refused.
 *
 * <p>Called from several event loops (every router verticle serves the hub), hence the lock;
 * launches themselves run outside it.
 */
final class SpawnQueue {

  private record Waiting(String key, Runnable launch) {
  }

  private final int concurrency;
  private final int bound;
  private final BiConsumer<String, Integer> onPosition;
  private final ArrayDeque<Waiting> line = new ArrayDeque<>();
  private int running;

  /**
   * @param concurrency launches that may run at once
   * @param bound       launches that may wait
   * @param onPosition  told each waiting key's 1-based place in line whenever it changes
   */
  SpawnQueue(int concurrency, int bound, BiConsumer<String, Integer> onPosition) {
    if (concurrency < 1 || bound < 0) {
      throw new IllegalArgumentException("concurrency must be at least 1 and the bound not negative");
    }
    this.concurrency = concurrency;
    this.bound = bound;
    this.onPosition = onPosition;
  }

  /** Whether a new launch would be admitted now (it runs or waits). */
  synchronized boolean hasRoom() {
    return running < concurrency || line.size() < bound;
  }

  /**
   * Runs {@code launch} now or when its turn comes; it must call {@link #done()} exactly once
   * when it finishes. Returns false, running nothing, when the line is full.
   */
  boolean submit(String key, Runnable launch) {
    int position;
    synchronized (this) {
      if (running < concurrency) {
        running++;
        position = 0;
      } else if (line.size() < bound) {
        line.addLast(new Waiting(key, launch));
        position = line.size();
      } else {
        return false;
      }
    }
    if (position == 0) {
      launch.run();
    } else {
      onPosition.accept(key, position);
    }
    return true;
  }

  /** One launch finished: the next in line starts, and the others learn their new places. */
  void done() {
    Waiting next;
    List<String> stillWaiting;
    synchronized (this) {
      next = line.pollFirst();
      if (next == null) {
        running = Math.max(0, running - 1);
        return;
      }
      stillWaiting = new ArrayList<>(line.size());
      for (Waiting w : line) {
        stillWaiting.add(w.key());
      }
    }
    next.launch().run();
    for (int i = 0; i < stillWaiting.size(); i++) {
      onPosition.accept(stillWaiting.get(i), i + 1);
    }
  }

  /** Drops a waiting launch (its server was stopped before its turn); true if it was waiting. */
  synchronized boolean cancel(String key) {
    for (Iterator<Waiting> it = line.iterator(); it.hasNext(); ) {
      if (it.next().key().equals(key)) {
        it.remove();
        return true;
      }
    }
    return false;
  }

  synchronized int waiting() {
    return line.size();
  }

  synchronized int running() {
    return running;
  }
}
