package io.wharf.functions.impl.scaling;

import io.vertx.core.Future;

/** Starts and stops function containers; the container manager in production, a fake in tests. */
public interface Backends {

  /** Starts a container serving {@code spec}'s version; completes once its runtime answers {@code /ready}. */
  Future<Backend> start(PoolSpec spec);

  /** Stops and removes it; succeeds when it is already gone. */
  Future<Void> stop(Backend backend);
}
