package io.wharf.session.store;

import java.util.Collection;

/**
 * Groups as the cluster shares them, in front of the database ({@link GroupRecords}): every
 * instance holds all of them in memory, as accounts, so a scope's {@code !group=} filter is
 * checked without leaving the process.
 */
public interface GroupStore {

  /** The group, or null. */
  Group group(String name);

  Collection<Group> groups();

  void saveGroup(Group group);

  void removeGroup(String name);
}
