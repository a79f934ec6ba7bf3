package io.wharf.session.store;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The cluster's members, and what instances report ({@code wharf-instances}), operators set
 * ({@code wharf-draining}) and the leader remembers ({@code wharf-tombstones}). The leader is
 * the oldest member, as Hazelcast orders them: no election of our own.
 */
final class HazelcastCluster implements ClusterView {

  private final Async async;
  private final HazelcastInstance hazelcast;
  private final IMap<String, InstanceInfo> instances;
  private final IMap<String, Boolean> draining;
  private final IMap<String, Boolean> tombstones;

  HazelcastCluster(Vertx vertx, HazelcastInstance hazelcast) {
    this.async = new Async(vertx);
    this.hazelcast = hazelcast;
    this.instances = hazelcast.getMap(HazelcastMaps.INSTANCES);
    this.draining = hazelcast.getMap(HazelcastMaps.DRAINING);
    this.tombstones = hazelcast.getMap(HazelcastMaps.TOMBSTONES);
  }

  @Override
  public String localMember() {
    return hazelcast.getCluster().getLocalMember().getUuid().toString();
  }

  @Override
  public Set<String> liveMembers() {
    Set<String> ids = new HashSet<>();
    for (Member member : hazelcast.getCluster().getMembers()) {
      ids.add(member.getUuid().toString());
    }
    return ids;
  }

  @Override
  public boolean isLeader() {
    return hazelcast.getCluster().getMembers().iterator().next().localMember();
  }

  @Override
  public String leaderMember() {
    return hazelcast.getCluster().getMembers().iterator().next().getUuid().toString();
  }

  @Override
  public Future<Boolean> safe() {
    // Asks every member whether its partitions' backups are in sync: a remote call, off the loop.
    return async.blocking(() -> hazelcast.getPartitionService().isClusterSafe());
  }

  @Override
  public void onMembershipChange(Runnable listener) {
    hazelcast.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
        listener.run();
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        listener.run();
      }
    });
  }

  @Override
  public Future<Void> report(InstanceInfo info) {
    return async.adapt(instances.setAsync(info.id(), info));
  }

  @Override
  public Future<List<InstanceInfo>> instances() {
    return async.blocking(() -> new ArrayList<>(instances.values()));
  }

  @Override
  public Future<Void> setDraining(String instance, boolean on) {
    return on ? async.adapt(draining.setAsync(instance, Boolean.TRUE)) : async.adapt(draining.removeAsync(instance)).mapEmpty();
  }

  @Override
  public Future<Set<String>> draining() {
    return async.blocking(() -> new HashSet<>(draining.keySet()));
  }

  @Override
  public Future<Void> tombstone(String containerId) {
    return async.adapt(tombstones.setAsync(containerId, Boolean.TRUE, 1, TimeUnit.DAYS));
  }

  @Override
  public Future<Boolean> isTombstoned(String containerId) {
    return async.adapt(tombstones.getAsync(containerId)).map(v -> v != null);
  }
}
