package io.wharf.session.account;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.wharf.session.store.Group;
import io.wharf.session.store.GroupRecords;
import io.wharf.session.store.GroupStore;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Groups written through: the database first, then the cluster's cache. A failed database write
 * leaves the cache as it was; every answer the hub gives after a success sees the change.
 */
public final class DurableGroups {

  private final GroupRecords records;
  private final GroupStore cache;

  public DurableGroups(GroupRecords records, GroupStore cache) {
    this.records = records;
    this.cache = cache;
  }

  /** The group, or null; from memory. */
  public Group find(String name) {
    return cache.group(name);
  }

  public Collection<Group> all() {
    return cache.groups();
  }

  /** The names of the groups the account with this id belongs to. */
  public Set<String> groupsOf(String accountId) {
    Set<String> names = new HashSet<>();
    cache.groups().forEach(g -> {
      if (g.memberIds().contains(accountId)) {
        names.add(g.name());
      }
    });
    return names;
  }

  /** Creates a group with these members; fails with {@code NameTakenException} when it exists. */
  public Future<Group> create(String name, Set<String> memberIds) {
    Group group = new Group(name, memberIds, "{}", System.currentTimeMillis());
    return records.insert(group).map(v -> {
      cache.saveGroup(group);
      return group;
    });
  }

  /** Adds and removes members; the group as it is after, or null when there is no such group. */
  public Future<Group> members(String name, Collection<String> add, Collection<String> remove) {
    return records.members(name, add, remove).compose(found -> found ? records.all() : Future.succeededFuture(List.<Group>of()))
      .map(all -> refreshed(name, all));
  }

  /** Replaces the properties; the group as it is after, or null when there is no such group. */
  public Future<Group> properties(String name, JsonObject properties) {
    return records.properties(name, properties.encode()).compose(found -> found ? records.all() : Future.succeededFuture(List.<Group>of()))
      .map(all -> refreshed(name, all));
  }

  /** Deletes the group; false when there was none. */
  public Future<Boolean> delete(String name) {
    return records.delete(name).map(found -> {
      cache.removeGroup(name);
      return found;
    });
  }

  /** Puts {@code all} (read from the database at start) into the cache; the first instance of a cluster does. */
  public void fill(Collection<Group> all) {
    all.forEach(cache::saveGroup);
  }

  private Group refreshed(String name, List<Group> all) {
    Group group = all.stream().filter(g -> g.name().equals(name)).findFirst().orElse(null);
    if (group != null) {
      cache.saveGroup(group);
    }
    return group;
  }
}
