package io.wharf.functions.impl.invoke;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The recent invocations of each function made through this instance: a ring of the last
 * {@code perFunction} calls per function, in memory only (lost on restart, not shared between
 * instances). A function's ring goes when it is deleted; functions are bounded by the per-user limit.
 */
public final class InvocationLog {

  /** One call: when it ended (epoch ms), its command, answer status, outcome and duration. */
  public record Entry(long at, String command, int status, String outcome, double durationMillis) {
    JsonObject toJson() {
      return new JsonObject().put("at", at).put("command", command).put("status", status).put("outcome", outcome)
        .put("duration_ms", Math.round(durationMillis * 1000) / 1000.0);
    }
  }

  /** A fixed array written round: one entry object per call, nothing else. */
  private static final class Ring {
    final Entry[] entries;
    int next;
    int size;

    Ring(int capacity) {
      entries = new Entry[capacity];
    }
  }

  private final int perFunction;
  private final Map<String, Ring> rings = new ConcurrentHashMap<>();

  public InvocationLog(int perFunction) {
    if (perFunction < 1) {
      throw new IllegalArgumentException("perFunction must be at least 1");
    }
    this.perFunction = perFunction;
  }

  /** Records a call of {@code functionKey} ({@code owner/name}), dropping its oldest when the ring is full. */
  public void record(String functionKey, Entry entry) {
    Ring ring = rings.get(functionKey);
    if (ring == null) {
      ring = rings.computeIfAbsent(functionKey, k -> new Ring(perFunction));
    }
    synchronized (ring) {
      ring.entries[ring.next] = entry;
      ring.next = (ring.next + 1) % perFunction;
      ring.size = Math.min(ring.size + 1, perFunction);
    }
  }

  /** The function's recorded calls, newest first. */
  public JsonArray recent(String functionKey) {
    JsonArray out = new JsonArray();
    Ring ring = rings.get(functionKey);
    if (ring != null) {
      synchronized (ring) {
        for (int i = 1; i <= ring.size; i++) {
          out.add(ring.entries[(ring.next - i + perFunction) % perFunction].toJson());
        }
      }
    }
    return out;
  }

  public void forget(String functionKey) {
    rings.remove(functionKey);
  }

  public int capacity() {
    return perFunction;
  }
}
