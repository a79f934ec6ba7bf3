package io.wharf.session.store;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.replicatedmap.ReplicatedMap;

import java.util.Collection;
import java.util.List;

/** Groups in the {@code wharf-groups} replicated map; the hub writes the database first. */
final class HazelcastGroups implements GroupStore {

  private final ReplicatedMap<String, Group> groups;

  HazelcastGroups(HazelcastInstance hazelcast) {
    this.groups = hazelcast.getReplicatedMap(HazelcastMaps.GROUPS);
  }

  @Override
  public Group group(String name) {
    return groups.get(name);
  }

  @Override
  public Collection<Group> groups() {
    return List.copyOf(groups.values());
  }

  @Override
  public void saveGroup(Group group) {
    groups.put(group.name(), group);
  }

  @Override
  public void removeGroup(String name) {
    groups.remove(name);
  }
}
