package io.wharf.server.it;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;

/**
 * The PostgreSQL server that {@code scripts/test.sh} starts and names in
 * {@code WHARF_TEST_POSTGRES_URL}, {@code _USER} and {@code _PASSWORD}. Each test that needs
 * one takes a database of its own and drops it at the end.
 */
final class Postgres {

  private final String url;
  private final String user;
  private final String password;

  private Postgres() {
    this.url = System.getenv("WHARF_TEST_POSTGRES_URL");
    this.user = System.getenv("WHARF_TEST_POSTGRES_USER");
    this.password = System.getenv("WHARF_TEST_POSTGRES_PASSWORD");
    if (url == null || url.isBlank()) {
      throw new IllegalStateException("this test needs PostgreSQL: set WHARF_TEST_POSTGRES_URL, _USER and _PASSWORD"
        + " (scripts/test.sh starts a server and sets them)");
    }
  }

  /** A new, empty database; returns its name. */
  static Database create() throws SQLException {
    Postgres server = new Postgres();
    String name = "wharf_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection connection = server.connect(); Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    }
    return new Database(server, name);
  }

  private Connection connect() throws SQLException {
    return DriverManager.getConnection(url, user, password);
  }

  /** One database of the test server. */
  record Database(Postgres server, String name) {

    String url() {
      int slash = server.url.lastIndexOf('/');
      int query = server.url.indexOf('?', slash);
      return server.url.substring(0, slash + 1) + name + (query < 0 ? "" : server.url.substring(query));
    }

    /** The settings that point a Wharf instance at this database. */
    Map<String, String> wharfEnv() {
      return Map.of("WHARF_STORE_URL", url(), "WHARF_STORE_USER", server.user, "WHARF_STORE_PASSWORD", server.password);
    }

    /** Drops the database, closing whatever connections are left. */
    void drop() throws SQLException {
      try (Connection connection = server.connect(); Statement statement = connection.createStatement()) {
        statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
      }
    }
  }
}
