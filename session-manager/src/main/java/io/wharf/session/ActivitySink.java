package io.wharf.session;

import io.vertx.core.Future;

import java.util.Map;

/** Where the router writes the traffic it saw, for culling and {@code last_activity}. */
public interface ActivitySink {

  /** Records the last activity (epoch millis) of servers by key; one batched write. */
  Future<Void> recordActivity(Map<String, Long> lastActivity);
}
