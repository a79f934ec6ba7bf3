package io.wharf.session.store;

/**
 * What survives a stop of every instance: the database ({@link JdbcStore}). The cluster's
 * caches ({@link AccountStore}, {@link TokenStore}) sit in front of it and are filled from it
 * at start ({@link CacheFill}).
 */
public interface DurableStore {

  AccountRecords accounts();

  TokenRecords tokens();

  RevocationRecords revocations();

  /** Which account a person signed in by an OpenID Connect provider is. */
  IdentityRecords identities();

  HomeRemovalRecords homeRemovals();

  GroupRecords groups();

  /** One record per server run, kept after its account is deleted. */
  UsageRecords usage();
}
