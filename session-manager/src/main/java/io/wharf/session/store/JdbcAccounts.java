package io.wharf.session.store;

import io.vertx.core.Future;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** {@link AccountRecords} in the {@code accounts} table. */
final class JdbcAccounts implements AccountRecords {

  /** SQLSTATE of a unique-constraint violation, in PostgreSQL and H2 alike. */
  static final String UNIQUE_VIOLATION = "23505";

  private final JdbcStore store;

  JdbcAccounts(JdbcStore store) {
    this.store = store;
  }

  @Override
  public Future<List<Account>> all() {
    return store.call(connection -> {
      try (PreparedStatement select = connection.prepareStatement(
             "SELECT id, name, is_admin, password_hash, created_at FROM accounts ORDER BY name");
           ResultSet rows = select.executeQuery()) {
        List<Account> accounts = new ArrayList<>();
        while (rows.next()) {
          accounts.add(new Account(rows.getString(1), rows.getString(2), rows.getBoolean(3), rows.getString(4), rows.getLong(5)));
        }
        return accounts;
      }
    });
  }

  @Override
  public Future<Void> insert(Account account) {
    return store.call(connection -> {
      try {
        insert(connection, account);
        return null;
      } catch (SQLException e) {
        if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
          throw new NameTakenException(account.name());
        }
        throw e;
      }
    });
  }

  /** Inserts {@code account} within the caller's transaction. */
  static void insert(Connection connection, Account account) throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(
      "INSERT INTO accounts (id, name, is_admin, password_hash, created_at) VALUES (?, ?, ?, ?, ?)")) {
      insert.setString(1, account.id());
      insert.setString(2, account.name());
      insert.setBoolean(3, account.admin());
      insert.setString(4, account.passwordHash());
      insert.setLong(5, account.createdAt());
      insert.executeUpdate();
    }
  }

  @Override
  public Future<Boolean> update(Account account) {
    return store.call(connection -> {
      try (PreparedStatement update = connection.prepareStatement("UPDATE accounts SET is_admin = ?, password_hash = ? WHERE id = ?")) {
        update.setBoolean(1, account.admin());
        update.setString(2, account.passwordHash());
        update.setString(3, account.id());
        return update.executeUpdate() == 1;
      }
    });
  }

  @Override
  public Future<Boolean> delete(String accountId) {
    // The tokens go with it: api_tokens.account_id cascades.
    return store.call(connection -> {
      try (PreparedStatement delete = connection.prepareStatement("DELETE FROM accounts WHERE id = ?")) {
        delete.setString(1, accountId);
        return delete.executeUpdate() == 1;
      }
    });
  }
}
