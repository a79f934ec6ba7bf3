package io.wharf.session.testing;

import io.vertx.core.Future;
import io.wharf.session.store.ClusterView;
import io.wharf.session.store.InstanceInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A cluster of one member ({@value #LOCAL}) unless a test adds others; the test decides who
 * leads and who is alive.
 */
public final class InMemoryCluster implements ClusterView {

  public static final String LOCAL = "member-local";

  private final InMemoryState state;
  private final Set<String> live = ConcurrentHashMap.newKeySet();
  private final Map<String, InstanceInfo> instances = new ConcurrentHashMap<>();
  private final Set<String> draining = ConcurrentHashMap.newKeySet();
  private final Set<String> tombstones = ConcurrentHashMap.newKeySet();
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private volatile String leader = LOCAL;

  InMemoryCluster(InMemoryState state) {
    this.state = state;
    live.add(LOCAL);
  }

  /** Makes {@code member} alive or gone. */
  public InMemoryCluster member(String member, boolean alive) {
    if (alive ? live.add(member) : live.remove(member)) {
      listeners.forEach(Runnable::run);
    }
    return this;
  }

  public InMemoryCluster leader(String member) {
    this.leader = member;
    return this;
  }

  /** The tombstones set so far. */
  public Set<String> tombstones() {
    return Set.copyOf(tombstones);
  }

  @Override
  public String localMember() {
    return LOCAL;
  }

  @Override
  public Set<String> liveMembers() {
    return Set.copyOf(live);
  }

  @Override
  public boolean isLeader() {
    return LOCAL.equals(leader);
  }

  @Override
  public String leaderMember() {
    return leader;
  }

  @Override
  public Future<Boolean> safe() {
    return state.answer(true);
  }

  @Override
  public void onMembershipChange(Runnable listener) {
    listeners.add(listener);
  }

  @Override
  public Future<Void> report(InstanceInfo info) {
    return state.<Void>answer(null).onSuccess(v -> instances.put(info.id(), info));
  }

  @Override
  public Future<List<InstanceInfo>> instances() {
    return state.answer(null).map(v -> new ArrayList<>(instances.values()));
  }

  @Override
  public Future<Void> setDraining(String instance, boolean on) {
    return state.<Void>answer(null).onSuccess(v -> {
      if (on) {
        draining.add(instance);
      } else {
        draining.remove(instance);
      }
    });
  }

  @Override
  public Future<Set<String>> draining() {
    return state.answer(null).map(v -> Set.copyOf(draining));
  }

  @Override
  public Future<Void> tombstone(String containerId) {
    return state.<Void>answer(null).onSuccess(v -> tombstones.add(containerId));
  }

  @Override
  public Future<Boolean> isTombstoned(String containerId) {
    return state.answer(null).map(v -> tombstones.contains(containerId));
  }
}
