package io.wharf.session.store;

import io.wharf.session.StoreOptions;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * Fresh, empty databases for the store's tests: an embedded file in a temporary directory, or
 * a schema of its own in the PostgreSQL that {@code scripts/test.sh} starts and names in
 * {@code WHARF_TEST_POSTGRES_URL} (with {@code _USER} and {@code _PASSWORD}).
 */
final class StoreDatabases {

  static final String POSTGRES_URL = "WHARF_TEST_POSTGRES_URL";

  private StoreDatabases() {
  }

  static StoreOptions embedded() {
    return new StoreOptions("", "", "", 2);
  }

  /** Options naming a new, empty schema in the test PostgreSQL; drop it with {@link #dropPostgres}. */
  static StoreOptions postgres() throws SQLException {
    String schema = "t_" + UUID.randomUUID().toString().replace("-", "");
    try (Connection connection = postgresConnection(); Statement statement = connection.createStatement()) {
      statement.execute("CREATE SCHEMA " + schema);
    }
    String url = System.getenv(POSTGRES_URL);
    return new StoreOptions(url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema,
      System.getenv("WHARF_TEST_POSTGRES_USER"), System.getenv("WHARF_TEST_POSTGRES_PASSWORD"), 2);
  }

  static void dropPostgres(StoreOptions options) throws SQLException {
    String schema = options.url().substring(options.url().indexOf("currentSchema=") + "currentSchema=".length());
    try (Connection connection = postgresConnection(); Statement statement = connection.createStatement()) {
      statement.execute("DROP SCHEMA " + schema + " CASCADE");
    }
  }

  private static Connection postgresConnection() throws SQLException {
    return DriverManager.getConnection(System.getenv(POSTGRES_URL), System.getenv("WHARF_TEST_POSTGRES_USER"),
      System.getenv("WHARF_TEST_POSTGRES_PASSWORD"));
  }

  /** A connection of its own to the database {@code options} name, for looking at what the store committed. */
  static Connection connect(StoreOptions options, Path dataDir) throws SQLException {
    return options.embedded()
      ? DriverManager.getConnection(options.jdbcUrl(dataDir), "sa", "")
      : DriverManager.getConnection(options.url(), options.user(), options.password());
  }
}
