package io.wharf.functions.impl.registry;

import io.vertx.core.Future;
import io.wharf.session.store.JdbcStore;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** {@link FunctionStore} in the durable store's {@code functions}, {@code function_versions} and {@code function_keys} tables. */
public final class JdbcFunctionStore implements FunctionStore {

  private static final String FUNCTION_COLUMNS = "owner, account_id, name, path, public_access, timeout_seconds, max_containers,"
    + " min_containers, concurrency, version, created_at, updated_at";
  private static final String KEY_COLUMNS = "id, key_hash, owner, account_id, name, note, created_at, expires_at";

  private final JdbcStore store;

  public JdbcFunctionStore(JdbcStore store) {
    this.store = store;
  }

  @Override
  public Future<FunctionRecord> find(String owner, String name) {
    return store.call(connection -> {
      List<FunctionRecord> found = functions(connection, "SELECT " + FUNCTION_COLUMNS + " FROM functions WHERE owner = ? AND name = ?",
        owner, name);
      return found.isEmpty() ? null : found.get(0);
    });
  }

  @Override
  public Future<List<FunctionRecord>> ownedBy(String owner) {
    return store.call(connection -> functions(connection, "SELECT " + FUNCTION_COLUMNS + " FROM functions WHERE owner = ? ORDER BY name",
      owner));
  }

  @Override
  public Future<Void> put(FunctionRecord f) {
    return store.call(connection -> {
      try (PreparedStatement update = connection.prepareStatement("UPDATE functions SET account_id = ?, path = ?, public_access = ?,"
        + " timeout_seconds = ?, max_containers = ?, min_containers = ?, concurrency = ?, version = ?, created_at = ?, updated_at = ?"
        + " WHERE owner = ? AND name = ?")) {
        set(update, f.accountId(), f.path(), f.open(), f.timeoutSeconds(), f.maxContainers(), f.minContainers(), f.concurrency(),
          f.version(), f.createdAt(), f.updatedAt(), f.owner(), f.name());
        if (update.executeUpdate() == 1) {
          return null;
        }
      }
      try (PreparedStatement insert = connection.prepareStatement("INSERT INTO functions (" + FUNCTION_COLUMNS + ")"
        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        set(insert, f.owner(), f.accountId(), f.name(), f.path(), f.open(), f.timeoutSeconds(), f.maxContainers(), f.minContainers(),
          f.concurrency(), f.version(), f.createdAt(), f.updatedAt());
        insert.executeUpdate();
        return null;
      }
    });
  }

  @Override
  public Future<Boolean> delete(String owner, String name) {
    return store.call(connection -> {
      try (PreparedStatement delete = connection.prepareStatement("DELETE FROM functions WHERE owner = ? AND name = ?")) {
        set(delete, owner, name);
        return delete.executeUpdate() == 1;
      }
    });
  }

  @Override
  public Future<Void> addVersion(String owner, String name, String version, long at) {
    return store.call(connection -> {
      try (PreparedStatement exists = connection.prepareStatement(
        "SELECT 1 FROM function_versions WHERE owner = ? AND name = ? AND version = ?")) {
        set(exists, owner, name, version);
        try (ResultSet rows = exists.executeQuery()) {
          if (rows.next()) {
            return null;
          }
        }
      }
      try (PreparedStatement insert = connection.prepareStatement(
        "INSERT INTO function_versions (owner, name, version, published_at) VALUES (?, ?, ?, ?)")) {
        set(insert, owner, name, version, at);
        insert.executeUpdate();
        return null;
      }
    });
  }

  @Override
  public Future<List<Version>> versions(String owner, String name, int limit) {
    return store.call(connection -> {
      try (PreparedStatement select = connection.prepareStatement(
        "SELECT version, published_at FROM function_versions WHERE owner = ? AND name = ? ORDER BY published_at DESC, version")) {
        set(select, owner, name);
        select.setMaxRows(limit);
        List<Version> out = new java.util.ArrayList<>();
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            out.add(new Version(rows.getString(1), rows.getLong(2)));
          }
        }
        return out;
      }
    });
  }

  @Override
  public Future<FunctionKey> keyByHash(String hash) {
    return store.call(connection -> {
      List<FunctionKey> found = keys(connection, "SELECT " + KEY_COLUMNS + " FROM function_keys WHERE key_hash = ?", hash);
      return found.isEmpty() ? null : found.get(0);
    });
  }

  @Override
  public Future<List<FunctionKey>> keys(String owner, String function) {
    return store.call(connection -> keys(connection,
      "SELECT " + KEY_COLUMNS + " FROM function_keys WHERE owner = ? AND name = ? ORDER BY created_at", owner, function));
  }

  @Override
  public Future<Void> putKey(FunctionKey k) {
    return store.call(connection -> {
      try (PreparedStatement insert = connection.prepareStatement("INSERT INTO function_keys (" + KEY_COLUMNS + ")"
        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
        set(insert, k.id(), k.hash(), k.owner(), k.accountId(), k.function(), k.note(), k.createdAt(), k.expiresAt());
        insert.executeUpdate();
        return null;
      }
    });
  }

  @Override
  public Future<Boolean> deleteKey(String owner, String function, String id) {
    return store.call(connection -> {
      try (PreparedStatement delete = connection.prepareStatement("DELETE FROM function_keys WHERE owner = ? AND name = ? AND id = ?")) {
        set(delete, owner, function, id);
        return delete.executeUpdate() == 1;
      }
    });
  }

  private static List<FunctionRecord> functions(Connection connection, String sql, Object... values) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(sql)) {
      set(select, values);
      try (ResultSet rows = select.executeQuery()) {
        List<FunctionRecord> out = new ArrayList<>();
        while (rows.next()) {
          out.add(new FunctionRecord(rows.getString(1), rows.getString(2), rows.getString(3), rows.getString(4), rows.getBoolean(5),
            rows.getInt(6), rows.getInt(7), rows.getInt(8), rows.getInt(9), rows.getString(10), rows.getLong(11), rows.getLong(12)));
        }
        return out;
      }
    }
  }

  private static List<FunctionKey> keys(Connection connection, String sql, Object... values) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(sql)) {
      set(select, values);
      try (ResultSet rows = select.executeQuery()) {
        List<FunctionKey> out = new ArrayList<>();
        while (rows.next()) {
          out.add(new FunctionKey(rows.getString(1), rows.getString(2), rows.getString(3), rows.getString(4), rows.getString(5),
            rows.getString(6), rows.getLong(7), rows.getLong(8)));
        }
        return out;
      }
    }
  }

  private static void set(PreparedStatement statement, Object... values) throws SQLException {
    for (int i = 0; i < values.length; i++) {
      statement.setObject(i + 1, values[i]);
    }
  }
}
