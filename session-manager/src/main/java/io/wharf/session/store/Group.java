package io.wharf.session.store;

import java.io.Serializable;
import java.util.Set;

/**
 * A group of users, as JupyterHub has them.
 *
 * @param memberIds  the ids of the member accounts (not names: a re-created name is not a member)
 * @param properties a JSON object, as text; JupyterHub's extension point, unused by the hub itself
 */
public record Group(String name, Set<String> memberIds, String properties, long createdAt) implements Serializable {

  public Group {
    memberIds = Set.copyOf(memberIds);
  }
}
