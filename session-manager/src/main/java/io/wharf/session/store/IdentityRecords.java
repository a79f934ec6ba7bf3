package io.wharf.session.store;

import io.vertx.core.Future;

/**
 * The links between accounts and the people an OpenID Connect provider signs in, as the database
 * keeps them: a provider's {@code (issuer, subject)} pair names one account. Read only at a
 * sign-in through the provider, so there is no cache in front of it.
 */
public interface IdentityRecords {

  /** The id of the account linked to {@code subject} at {@code issuer}, or null. */
  Future<String> accountOf(String issuer, String subject);

  /**
   * Adds {@code account}, linked to {@code subject} at {@code issuer}, in one transaction; fails
   * with {@link NameTakenException} when an account of that name exists.
   */
  Future<Void> insertLinked(Account account, String issuer, String subject);
}
