package io.wharf.session.store;

import io.wharf.session.StoreOptions;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * {@link JdbcStore} on PostgreSQL, each test in a schema of its own: run where
 * {@code WHARF_TEST_POSTGRES_URL} names a server ({@code scripts/test.sh} starts one).
 */
@EnabledIfEnvironmentVariable(named = StoreDatabases.POSTGRES_URL, matches = "jdbc:postgresql:.+")
class PostgresJdbcStoreTest extends JdbcStoreContract {

  @Override
  StoreOptions freshDatabase() throws Exception {
    return StoreDatabases.postgres();
  }

  @Override
  void dropDatabase(StoreOptions options) throws Exception {
    StoreDatabases.dropPostgres(options);
  }
}
