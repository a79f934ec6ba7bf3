package io.wharf.session.store;

import io.vertx.core.Future;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** {@link UsageRecords} in the {@code usage_runs} table. */
final class JdbcUsage implements UsageRecords {

  private static final String COLUMNS =
    "account_id, user_name, server_name, profile, instance, container_id, started_at, stopped_at, reason";

  private final JdbcStore store;

  JdbcUsage(JdbcStore store) {
    this.store = store;
  }

  @Override
  public Future<Void> opened(UsageRun run) {
    return store.call(connection -> {
      // A run re-adopted after a restart keeps the row it opened before.
      try (PreparedStatement select = connection.prepareStatement(
        "SELECT 1 FROM usage_runs WHERE account_id = ? AND server_name = ? AND container_id = ? AND stopped_at IS NULL")) {
        select.setString(1, run.accountId());
        select.setString(2, run.server());
        select.setString(3, run.containerId());
        try (ResultSet rows = select.executeQuery()) {
          if (rows.next()) {
            return null;
          }
        }
      }
      try (PreparedStatement insert = connection.prepareStatement(
        "INSERT INTO usage_runs (id, " + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)")) {
        insert.setString(1, UUID.randomUUID().toString());
        insert.setString(2, run.accountId());
        insert.setString(3, run.user());
        insert.setString(4, run.server());
        insert.setString(5, run.profile());
        insert.setString(6, run.instance());
        insert.setString(7, run.containerId());
        insert.setLong(8, run.startedAt());
        insert.executeUpdate();
        return null;
      }
    });
  }

  @Override
  public Future<Void> closed(String accountId, String server, String containerId, long stoppedAt, String reason) {
    return store.call(connection -> {
      try (PreparedStatement update = connection.prepareStatement("UPDATE usage_runs SET stopped_at = ?, reason = ?"
        + " WHERE account_id = ? AND server_name = ? AND container_id = ? AND stopped_at IS NULL")) {
        update.setLong(1, stoppedAt);
        update.setString(2, reason);
        update.setString(3, accountId);
        update.setString(4, server);
        update.setString(5, containerId);
        update.executeUpdate();
        return null;
      }
    });
  }

  @Override
  public Future<Integer> closeLost(String instance, Collection<String> live, long stoppedAt) {
    Set<String> alive = Set.copyOf(live);
    return store.call(connection -> {
      List<String> lost = new ArrayList<>();
      try (PreparedStatement select = connection.prepareStatement(
        "SELECT id, container_id FROM usage_runs WHERE instance = ? AND stopped_at IS NULL")) {
        select.setString(1, instance);
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            if (!alive.contains(rows.getString(2))) {
              lost.add(rows.getString(1));
            }
          }
        }
      }
      for (String id : lost) {
        close(connection, id, stoppedAt);
      }
      return lost.size();
    });
  }

  private static void close(Connection connection, String id, long stoppedAt) throws SQLException {
    try (PreparedStatement update = connection.prepareStatement(
      "UPDATE usage_runs SET stopped_at = ?, reason = 'lost' WHERE id = ? AND stopped_at IS NULL")) {
      update.setLong(1, stoppedAt);
      update.setString(2, id);
      update.executeUpdate();
    }
  }

  @Override
  public Future<List<UsageRun>> runsOf(String accountId, long since, long until) {
    return store.call(connection -> {
      try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM usage_runs WHERE account_id = ?"
        + " AND started_at < ? AND (stopped_at IS NULL OR stopped_at > ?) ORDER BY started_at, id")) {
        select.setString(1, accountId);
        select.setLong(2, until);
        select.setLong(3, since);
        List<UsageRun> runs = new ArrayList<>();
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            runs.add(new UsageRun(rows.getString(1), rows.getString(2), rows.getString(3), rows.getString(4), rows.getString(5),
              rows.getString(6), rows.getLong(7), rows.getLong(8), rows.getString(9)));
          }
        }
        return runs;
      }
    });
  }
}
