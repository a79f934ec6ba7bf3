package io.wharf.session.hub;

import io.wharf.session.ActivitySink;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Records that a user, and the API token they called with, were active, as JupyterHub does on
 * every authenticated request: the user's {@code last_activity} and the token's. A key is written
 * to the cluster at most once a minute from each instance, so a busy client costs no write per call.
 */
final class ApiActivity {

  private static final long EVERY_MILLIS = TimeUnit.MINUTES.toMillis(1);
  private static final int MAX_KEYS = 100_000;

  private final ActivitySink sink;
  private final Map<String, Long> written = new ConcurrentHashMap<>();

  ApiActivity(ActivitySink sink) {
    this.sink = sink;
  }

  static String tokenKey(String tokenHash) {
    return "token:" + tokenHash;
  }

  /** Marks {@code user} (and the token with this hash, unless null) active now. */
  void used(String user, String tokenHash) {
    long now = System.currentTimeMillis();
    Map<String, Long> due = new HashMap<>();
    for (String key : tokenHash == null ? new String[] {UserModels.activityKey(user)}
      : new String[] {UserModels.activityKey(user), tokenKey(tokenHash)}) {
      Long last = written.get(key);
      if (last == null || now - last >= EVERY_MILLIS) {
        due.put(key, now);
      }
    }
    if (due.isEmpty()) {
      return;
    }
    if (written.size() > MAX_KEYS) {
      written.clear();
    }
    written.putAll(due);
    // Best effort: a failed write is retried with the next call after the interval.
    sink.recordActivity(due).onFailure(err -> due.keySet().forEach(written::remove));
  }
}
