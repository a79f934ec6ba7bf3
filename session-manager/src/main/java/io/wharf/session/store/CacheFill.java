package io.wharf.session.store;

import io.vertx.core.Future;

import java.util.Collection;

/**
 * Fills the cluster's caches of accounts and tokens from the database, once per life of the
 * cluster: the first instance to start after every instance stopped fills them, and the others
 * find them filled and kept up to date by every write since.
 */
public interface CacheFill {

  /**
   * Puts {@code accounts} and {@code tokens} (read from the database just before) into the
   * caches, and removes cached accounts that are not among them, unless the caches are filled
   * already. Instances that start together fill one at a time, so none overwrites writes that
   * another made after filling.
   *
   * @return whether this call filled the caches
   */
  Future<Boolean> fillOnce(Collection<Account> accounts, Collection<ApiToken> tokens);
}
