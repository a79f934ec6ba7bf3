package io.wharf.session.store;

import io.wharf.session.StoreOptions;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/** {@code home_removals} on PostgreSQL, where {@code WHARF_TEST_POSTGRES_URL} names a server. */
@EnabledIfEnvironmentVariable(named = StoreDatabases.POSTGRES_URL, matches = "jdbc:postgresql:.+")
class PostgresHomeRemovalsTest extends HomeRemovalsContract {

  @Override
  StoreOptions freshDatabase() throws Exception {
    return StoreDatabases.postgres();
  }

  @Override
  void dropDatabase(StoreOptions options) throws Exception {
    StoreDatabases.dropPostgres(options);
  }
}
