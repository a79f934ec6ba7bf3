package io.wharf.session.store;

import io.vertx.core.Future;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@link GroupRecords} in the {@code user_groups} and {@code user_group_members} tables. */
final class JdbcGroups implements GroupRecords {

  private final JdbcStore store;

  JdbcGroups(JdbcStore store) {
    this.store = store;
  }

  @Override
  public Future<List<Group>> all() {
    return store.call(connection -> {
      Map<String, Set<String>> members = new LinkedHashMap<>();
      try (PreparedStatement select = connection.prepareStatement("SELECT group_name, account_id FROM user_group_members");
           ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          members.computeIfAbsent(rows.getString(1), g -> new HashSet<>()).add(rows.getString(2));
        }
      }
      List<Group> groups = new ArrayList<>();
      try (PreparedStatement select = connection.prepareStatement("SELECT name, properties, created_at FROM user_groups ORDER BY name");
           ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          groups.add(new Group(rows.getString(1), members.getOrDefault(rows.getString(1), Set.of()), rows.getString(2), rows.getLong(3)));
        }
      }
      return groups;
    });
  }

  @Override
  public Future<Void> insert(Group group) {
    return store.call(connection -> {
      try (PreparedStatement insert = connection.prepareStatement(
        "INSERT INTO user_groups (name, properties, created_at) VALUES (?, ?, ?)")) {
        insert.setString(1, group.name());
        insert.setString(2, group.properties());
        insert.setLong(3, group.createdAt());
        insert.executeUpdate();
      } catch (SQLException e) {
        if (JdbcAccounts.UNIQUE_VIOLATION.equals(e.getSQLState())) {
          throw new NameTakenException(group.name());
        }
        throw e;
      }
      addMembers(connection, group.name(), group.memberIds());
      return null;
    });
  }

  @Override
  public Future<Boolean> properties(String name, String properties) {
    return store.call(connection -> {
      try (PreparedStatement update = connection.prepareStatement("UPDATE user_groups SET properties = ? WHERE name = ?")) {
        update.setString(1, properties);
        update.setString(2, name);
        return update.executeUpdate() == 1;
      }
    });
  }

  @Override
  public Future<Boolean> members(String name, Collection<String> add, Collection<String> remove) {
    return store.call(connection -> {
      try (PreparedStatement lock = connection.prepareStatement("SELECT name FROM user_groups WHERE name = ? FOR UPDATE")) {
        lock.setString(1, name);
        try (ResultSet row = lock.executeQuery()) {
          if (!row.next()) {
            return false;
          }
        }
      }
      try (PreparedStatement delete = connection.prepareStatement(
        "DELETE FROM user_group_members WHERE group_name = ? AND account_id = ?")) {
        for (String id : remove) {
          delete.setString(1, name);
          delete.setString(2, id);
          delete.addBatch();
        }
        delete.executeBatch();
      }
      addMembers(connection, name, add);
      return true;
    });
  }

  /** Inserts the memberships that are not there yet (both databases: one existence check per member). */
  private static void addMembers(Connection connection, String name, Collection<String> ids) throws SQLException {
    try (PreparedStatement exists = connection.prepareStatement(
           "SELECT 1 FROM user_group_members WHERE group_name = ? AND account_id = ?");
         PreparedStatement insert = connection.prepareStatement(
           "INSERT INTO user_group_members (group_name, account_id) VALUES (?, ?)")) {
      for (String id : ids) {
        exists.setString(1, name);
        exists.setString(2, id);
        try (ResultSet row = exists.executeQuery()) {
          if (row.next()) {
            continue;
          }
        }
        insert.setString(1, name);
        insert.setString(2, id);
        insert.executeUpdate();
      }
    }
  }

  @Override
  public Future<Boolean> delete(String name) {
    return store.call(connection -> {
      try (PreparedStatement delete = connection.prepareStatement("DELETE FROM user_groups WHERE name = ?")) {
        delete.setString(1, name);
        return delete.executeUpdate() == 1;
      }
    });
  }
}
