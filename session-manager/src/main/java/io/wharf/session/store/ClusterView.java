package io.wharf.session.store;

import io.vertx.core.Future;

import java.util.List;
import java.util.Set;

/** The cluster as the session manager needs to see it: instances, their load, the leader. */
public interface ClusterView {

  /** This process's Hazelcast member id. */
  String localMember();

  /** Member ids of the live members. */
  Set<String> liveMembers();

  /** Whether this member runs the cluster-wide duties: the oldest member does. */
  boolean isLeader();

  /** Member id of the leader. */
  String leaderMember();

  /**
   * Whether every piece of shared state has its backup on another live member, so that one more
   * member may go away without losing any. A rolling restart waits for this between instances.
   */
  Future<Boolean> safe();

  /** Calls {@code listener} (on some thread) whenever a member joins or leaves. */
  void onMembershipChange(Runnable listener);

  Future<Void> report(InstanceInfo info);

  Future<List<InstanceInfo>> instances();

  Future<Void> setDraining(String instance, boolean draining);

  Future<Set<String>> draining();

  /** Records that a server was stopped while its instance was unreachable, so it is not re-adopted. */
  Future<Void> tombstone(String containerId);

  Future<Boolean> isTombstoned(String containerId);
}
