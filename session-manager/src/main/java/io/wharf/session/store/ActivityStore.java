package io.wharf.session.store;

import io.vertx.core.Future;
import io.wharf.session.ActivitySink;

import java.util.Collection;
import java.util.Map;

/** The last activity the routers observed per server, by server key. */
public interface ActivityStore extends ActivitySink {

  /** The last recorded activity of each of {@code keys} that has one. */
  Future<Map<String, Long>> activity(Collection<String> keys);
}
