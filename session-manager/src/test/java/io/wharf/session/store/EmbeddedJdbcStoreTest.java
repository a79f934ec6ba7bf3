package io.wharf.session.store;

import io.wharf.session.StoreOptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link JdbcStore} on the embedded H2 database (PostgreSQL mode), in a temporary data directory. */
class EmbeddedJdbcStoreTest extends JdbcStoreContract {

  @Override
  StoreOptions freshDatabase() {
    return StoreDatabases.embedded();
  }

  @Override
  void dropDatabase(StoreOptions options) {
    // The temporary directory goes with the test.
  }

  @Test
  void theDatabaseIsAFileUnderTheDataDirectory() {
    assertTrue(Files.exists(dataDir.resolve("wharf.mv.db")), "wharf.mv.db in " + dataDir);
  }
}
