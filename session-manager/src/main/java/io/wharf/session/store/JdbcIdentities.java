package io.wharf.session.store;

import io.vertx.core.Future;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** {@link IdentityRecords} in the {@code account_identities} table. */
final class JdbcIdentities implements IdentityRecords {

  private final JdbcStore store;

  JdbcIdentities(JdbcStore store) {
    this.store = store;
  }

  @Override
  public Future<String> accountOf(String issuer, String subject) {
    return store.call(connection -> {
      try (PreparedStatement select = connection.prepareStatement(
        "SELECT account_id FROM account_identities WHERE issuer = ? AND subject = ?")) {
        select.setString(1, issuer);
        select.setString(2, subject);
        try (ResultSet rows = select.executeQuery()) {
          return rows.next() ? rows.getString(1) : null;
        }
      }
    });
  }

  @Override
  public Future<Void> insertLinked(Account account, String issuer, String subject) {
    return store.call(connection -> {
      try {
        JdbcAccounts.insert(connection, account);
      } catch (SQLException e) {
        if (JdbcAccounts.UNIQUE_VIOLATION.equals(e.getSQLState())) {
          throw new NameTakenException(account.name());
        }
        throw e;
      }
      link(connection, account, issuer, subject);
      return null;
    });
  }

  private static void link(Connection connection, Account account, String issuer, String subject) throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(
      "INSERT INTO account_identities (issuer, subject, account_id, created_at) VALUES (?, ?, ?, ?)")) {
      insert.setString(1, issuer);
      insert.setString(2, subject);
      insert.setString(3, account.id());
      insert.setLong(4, account.createdAt());
      insert.executeUpdate();
    }
  }
}
