package io.wharf.session.store;

import com.hazelcast.core.EntryAdapter;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.map.MapEvent;

import java.util.concurrent.atomic.AtomicLong;

/** A map listener that moves {@code generation} on every event the map sends this member: entries and whole-map ones. */
final class ChangeCounter<K, V> extends EntryAdapter<K, V> {

  private final AtomicLong generation;

  ChangeCounter(AtomicLong generation) {
    this.generation = generation;
  }

  @Override
  public void onEntryEvent(EntryEvent<K, V> event) {
    generation.incrementAndGet();
  }

  @Override
  public void onMapEvent(MapEvent event) {
    generation.incrementAndGet();
  }
}
