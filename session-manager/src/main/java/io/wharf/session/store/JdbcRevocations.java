package io.wharf.session.store;

import io.vertx.core.Future;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link RevocationRecords} in the {@code session_revocations} table. An update, then an insert
 * when there was nothing to update: the one upsert H2 and PostgreSQL spell alike.
 */
final class JdbcRevocations implements RevocationRecords {

  private final JdbcStore store;

  JdbcRevocations(JdbcStore store) {
    this.store = store;
  }

  @Override
  public Future<Void> save(Revocation revocation) {
    return store.call(connection -> {
      try (PreparedStatement update = connection.prepareStatement("UPDATE session_revocations"
        + " SET revoked_at = GREATEST(revoked_at, ?), forget_after = GREATEST(forget_after, ?) WHERE revoked_key = ?")) {
        update.setLong(1, revocation.at());
        update.setLong(2, revocation.forgetAfter());
        update.setString(3, revocation.key());
        if (update.executeUpdate() == 1) {
          return null;
        }
      }
      try (PreparedStatement insert = connection.prepareStatement(
        "INSERT INTO session_revocations (revoked_key, revoked_at, forget_after) VALUES (?, ?, ?)")) {
        insert.setString(1, revocation.key());
        insert.setLong(2, revocation.at());
        insert.setLong(3, revocation.forgetAfter());
        insert.executeUpdate();
        return null;
      }
    });
  }

  @Override
  public Future<List<Revocation>> current(long now) {
    return store.call(connection -> {
      try (PreparedStatement select = connection.prepareStatement(
        "SELECT revoked_key, revoked_at, forget_after FROM session_revocations WHERE forget_after > ?")) {
        select.setLong(1, now);
        try (ResultSet rows = select.executeQuery()) {
          List<Revocation> revocations = new ArrayList<>();
          while (rows.next()) {
            revocations.add(new Revocation(rows.getString(1), rows.getLong(2), rows.getLong(3)));
          }
          return revocations;
        }
      }
    });
  }

  @Override
  public Future<Integer> purge(long now) {
    return store.call(connection -> {
      try (PreparedStatement delete = connection.prepareStatement("DELETE FROM session_revocations WHERE forget_after <= ?")) {
        delete.setLong(1, now);
        return delete.executeUpdate();
      }
    });
  }
}
