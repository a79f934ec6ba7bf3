package io.wharf.functions.impl.scaling;

import io.vertx.core.Future;

/** Starts and stops function containers; the container manager in production, a fake in tests. */
public interface Backends {

  /** Starts a container serving {@code spec}'s version; completes once its runtime answers {@code /ready}. */
  Future<Backend> start(PoolSpec spec);

  /** Stops and removes it; succeeds when it is already gone. */
  Future<Void> stop(Backend backend);

  /**
   * Starts a generic container for the warm pool: its runtime listens and serves nothing until {@link #load}; its
   * backend's version is empty. Backends without a warm pool fail.
   */
  default Future<Backend> startGeneric() {
    return Future.failedFuture(new UnsupportedOperationException("these backends have no generic containers"));
  }

  /**
   * Has generic container {@code generic} load {@code spec}'s version, and only that; completes with the backend now
   * serving it. A failed load leaves nothing behind: the container is removed.
   */
  default Future<Backend> load(Backend generic, PoolSpec spec) {
    return Future.failedFuture(new UnsupportedOperationException("these backends have no generic containers"));
  }
}
