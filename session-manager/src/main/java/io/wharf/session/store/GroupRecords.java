package io.wharf.session.store;

import io.vertx.core.Future;

import java.util.Collection;
import java.util.List;

/** Groups as the database keeps them; a succeeded future means the change is committed. */
public interface GroupRecords {

  Future<List<Group>> all();

  /** Adds an empty group; fails with {@link NameTakenException} when one of that name exists. */
  Future<Void> insert(Group group);

  /** Sets the properties; false when there is no such group. */
  Future<Boolean> properties(String name, String properties);

  /** Adds and removes members (account ids) in one transaction; false when there is no such group. */
  Future<Boolean> members(String name, Collection<String> add, Collection<String> remove);

  /** Deletes the group and its memberships; false when there was none. */
  Future<Boolean> delete(String name);
}
