package io.wharf.session.store;

import io.vertx.core.Future;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@link HomeRemovalRecords} in the {@code home_removals} table. */
final class JdbcHomeRemovals implements HomeRemovalRecords {

  // Bounds the IN list of one query.
  private static final int BATCH = 200;

  private final JdbcStore store;

  JdbcHomeRemovals(JdbcStore store) {
    this.store = store;
  }

  @Override
  public Future<Void> schedule(String accountId, String user, long removeAt) {
    return store.call(connection -> {
      // An account id is deleted once, so a second schedule is the same deletion retried: the first time stands.
      try (PreparedStatement select = connection.prepareStatement("SELECT 1 FROM home_removals WHERE account_id = ?")) {
        select.setString(1, accountId);
        try (ResultSet rows = select.executeQuery()) {
          if (rows.next()) {
            return null;
          }
        }
      }
      try (PreparedStatement insert = connection.prepareStatement(
        "INSERT INTO home_removals (account_id, user_name, remove_at) VALUES (?, ?, ?)")) {
        insert.setString(1, accountId);
        insert.setString(2, user);
        insert.setLong(3, removeAt);
        insert.executeUpdate();
        return null;
      }
    });
  }

  @Override
  public Future<Map<String, Long>> removalTimes(Collection<String> accountIds) {
    List<String> ids = List.copyOf(accountIds);
    if (ids.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    return store.call(connection -> {
      Map<String, Long> times = new HashMap<>();
      for (int from = 0; from < ids.size(); from += BATCH) {
        List<String> batch = ids.subList(from, Math.min(ids.size(), from + BATCH));
        String marks = String.join(", ", Collections.nCopies(batch.size(), "?"));
        try (PreparedStatement select = connection.prepareStatement(
          "SELECT account_id, remove_at FROM home_removals WHERE account_id IN (" + marks + ")")) {
          for (int i = 0; i < batch.size(); i++) {
            select.setString(i + 1, batch.get(i));
          }
          try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
              times.put(rows.getString(1), rows.getLong(2));
            }
          }
        }
      }
      return times;
    });
  }
}
