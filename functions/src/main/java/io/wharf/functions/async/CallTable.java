package io.wharf.functions.async;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.wharf.session.store.JdbcStore;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code function_calls} table (migration V7 in the session manager's store). Each method
 * is one transaction. Every change to a running call names the claim ({@code lease_token}) it
 * was made under, so a worker whose lease ran out and was taken over can no longer end the call:
 * a call ends once, whatever the number of workers that ran it. The container an attempt is sent
 * to is written under the claim before it is sent ({@link #place}, migration V9).
 */
final class CallTable {

  private static final String COLUMNS = "id, owner, function_name, command, call_body, caller_key_id, state, attempts,"
    + " next_attempt_at, created_at, started_at, finished_at, expires_at, result_status, result_body, error";
  /** What a read gives: the stored columns, then the attempt's timeout and its container (V9). */
  private static final String SELECTED = COLUMNS + ", timeout_ms, attempt_container";
  private static final String DUE = "((state = 'queued' AND next_attempt_at <= ?) OR (state = 'running' AND lease_until < ?))"
    + " AND attempts < ?";
  private static final String CLAIM_SET = "state = 'running', lease_token = ?, lease_until = ?, attempts = attempts + 1,"
    + " started_at = CASE WHEN started_at = 0 THEN ? ELSE started_at END,"
    + " error = CASE WHEN state = 'running' THEN 'the instance running it stopped' ELSE error END";

  private final JdbcStore store;

  CallTable(JdbcStore store) {
    this.store = store;
  }

  /**
   * The call of {@code idempotencyKey} if one exists, else {@code call} inserted; fails with
   * {@link QueueFullException} when the function has {@code maxQueued} calls queued or running.
   * Submissions committing at the same moment may each pass the count, so the bound can be
   * passed by as many calls as are submitted at that moment, never more.
   */
  Future<AsyncCall> insert(AsyncCall call, String idempotencyKey, int maxQueued) {
    return store.call(connection -> {
      if (idempotencyKey != null) {
        AsyncCall existing = byIdempotencyKey(connection, call.owner(), call.function(), call.callerKeyId(), idempotencyKey);
        if (existing != null) {
          return existing;
        }
      }
      try (PreparedStatement count = connection.prepareStatement("SELECT COUNT(*) FROM function_calls"
        + " WHERE owner = ? AND function_name = ? AND state IN ('queued', 'running')")) {
        count.setString(1, call.owner());
        count.setString(2, call.function());
        try (ResultSet rows = count.executeQuery()) {
          rows.next();
          if (rows.getLong(1) >= maxQueued) {
            throw new QueueFullException("function " + call.owner() + "/" + call.function() + " has " + maxQueued + " calls waiting");
          }
        }
      }
      try (PreparedStatement insert = connection.prepareStatement("INSERT INTO function_calls (" + COLUMNS
        + ", idempotency_key, timeout_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        set(insert, call);
        insert.setString(17, idempotencyKey);
        insert.setLong(18, call.timeoutMs());
        insert.executeUpdate();
      }
      return call;
    });
  }

  /** The call {@code idempotencyKey} names for this caller and function, or null. */
  Future<AsyncCall> byIdempotencyKey(String owner, String function, String callerKeyId, String idempotencyKey) {
    return store.call(connection -> byIdempotencyKey(connection, owner, function, callerKeyId, idempotencyKey));
  }

  Future<AsyncCall> get(String id) {
    return store.call(connection -> get(connection, id));
  }

  /** Cancels a call that has not ended; gives the call as it is afterwards (null: no such call). */
  Future<AsyncCall> cancel(String id, long now, long expiresAt) {
    return store.call(connection -> {
      try (PreparedStatement update = connection.prepareStatement("UPDATE function_calls SET state = 'cancelled',"
        + " lease_token = NULL, finished_at = ?, expires_at = ? WHERE id = ? AND state IN ('queued', 'running')")) {
        update.setLong(1, now);
        update.setLong(2, expiresAt);
        update.setString(3, id);
        update.executeUpdate();
      }
      return get(connection, id);
    });
  }

  /**
   * Claims up to {@code max} due calls (queued and due, or running under a lease that ran out)
   * under {@code token} until {@code leaseUntil}: on PostgreSQL in one statement that skips rows
   * another instance is claiming, elsewhere (the embedded database, one process) by a conditional
   * update per candidate that only one claimant can win.
   */
  Future<List<AsyncCall>> claim(int max, String token, long now, long leaseUntil, int maxAttempts) {
    return store.call(connection -> {
      if (connection.getMetaData().getDatabaseProductName().equals("PostgreSQL")) {
        try (PreparedStatement claim = connection.prepareStatement("UPDATE function_calls SET " + CLAIM_SET
          + " WHERE id IN (SELECT id FROM function_calls WHERE " + DUE + " ORDER BY next_attempt_at LIMIT ?"
          + " FOR UPDATE SKIP LOCKED) RETURNING " + SELECTED)) {
          int i = claimSet(claim, token, now, leaseUntil);
          dueParameters(claim, i, now, maxAttempts);
          claim.setInt(i + 3, max);
          return list(claim);
        }
      }
      List<String> candidates = new ArrayList<>();
      try (PreparedStatement select = connection.prepareStatement("SELECT id FROM function_calls WHERE " + DUE
        + " ORDER BY next_attempt_at LIMIT ?")) {
        dueParameters(select, 1, now, maxAttempts);
        select.setInt(4, max);
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            candidates.add(rows.getString(1));
          }
        }
      }
      List<AsyncCall> claimed = new ArrayList<>();
      try (PreparedStatement update = connection.prepareStatement("UPDATE function_calls SET " + CLAIM_SET
        + " WHERE id = ? AND " + DUE)) {
        for (String id : candidates) {
          int i = claimSet(update, token, now, leaseUntil);
          update.setString(i, id);
          dueParameters(update, i + 1, now, maxAttempts);
          if (update.executeUpdate() == 1) {
            claimed.add(get(connection, id));
          }
        }
      }
      return claimed;
    });
  }

  /** Extends the leases of the calls still held under {@code token}; how many were. */
  Future<Integer> renew(String token, long leaseUntil) {
    return store.call(connection -> {
      try (PreparedStatement update = connection.prepareStatement(
        "UPDATE function_calls SET lease_until = ? WHERE lease_token = ? AND state = 'running'")) {
        update.setLong(1, leaseUntil);
        update.setString(2, token);
        return update.executeUpdate();
      }
    });
  }

  /** Ends a call held under {@code token}; false if the claim was lost (taken over, or cancelled). */
  Future<Boolean> finish(String id, String token, CallState state, int status, String body, String error, long now,
                         long expiresAt) {
    return store.call(connection -> {
      try (PreparedStatement update = connection.prepareStatement("UPDATE function_calls SET state = ?, lease_token = NULL,"
        + " result_status = ?, result_body = ?, error = ?, finished_at = ?, expires_at = ?"
        + " WHERE id = ? AND lease_token = ? AND state = 'running'")) {
        update.setString(1, state.label());
        update.setInt(2, status);
        update.setString(3, body);
        update.setString(4, error);
        update.setLong(5, now);
        update.setLong(6, expiresAt);
        update.setString(7, id);
        update.setString(8, token);
        return update.executeUpdate() == 1;
      }
    });
  }

  /**
   * Records, under the claim {@code token}, the container the call's attempt is about to be sent to; false if the claim was
   * lost (then the attempt must not be sent). Written before the attempt is sent: a crash before it means it was not.
   */
  Future<Boolean> place(String id, String token, Placement container) {
    return store.call(connection -> {
      try (PreparedStatement update = connection.prepareStatement("UPDATE function_calls SET attempt_container = ?,"
        + " attempt_address = ? WHERE id = ? AND lease_token = ? AND state = 'running'")) {
        update.setString(1, container.containerId());
        update.setString(2, container.address());
        update.setString(3, id);
        update.setString(4, token);
        return update.executeUpdate() == 1;
      }
    });
  }

  /**
   * The containers that running calls' attempts were sent to, each with the longest timeout of those calls: the containers a
   * call may still need (its attempt runs there, or its lease ran out and a take-over will ask there).
   */
  Future<Map<String, Long>> runningOn() {
    return store.call(connection -> {
      Map<String, Long> containers = new HashMap<>();
      try (PreparedStatement select = connection.prepareStatement("SELECT attempt_container, MAX(timeout_ms) FROM function_calls"
        + " WHERE state = 'running' AND attempt_container IS NOT NULL GROUP BY attempt_container");
           ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          containers.put(rows.getString(1), rows.getLong(2));
        }
      }
      return containers;
    });
  }

  /** Puts a call held under {@code token} back in the queue until {@code nextAttemptAt}; false if the claim was lost. */
  Future<Boolean> retry(String id, String token, long nextAttemptAt, String error) {
    return store.call(connection -> {
      try (PreparedStatement update = connection.prepareStatement("UPDATE function_calls SET state = 'queued',"
        + " lease_token = NULL, lease_until = NULL, attempt_container = NULL, attempt_address = NULL, next_attempt_at = ?, error = ?"
        + " WHERE id = ? AND lease_token = ? AND state = 'running'")) {
        update.setLong(1, nextAttemptAt);
        update.setString(2, error);
        update.setString(3, id);
        update.setString(4, token);
        return update.executeUpdate() == 1;
      }
    });
  }

  /** Fails the running calls whose lease ran out on their last allowed attempt. */
  Future<Integer> failAbandoned(long now, int maxAttempts, long expiresAt) {
    return store.call(connection -> {
      try (PreparedStatement update = connection.prepareStatement("UPDATE function_calls SET state = 'failed',"
        + " lease_token = NULL, finished_at = ?, expires_at = ?,"
        + " error = 'the instance running it stopped, after ' || CAST(attempts AS VARCHAR(10)) || ' attempts'"
        + " WHERE state = 'running' AND lease_until < ? AND attempts >= ?")) {
        update.setLong(1, now);
        update.setLong(2, expiresAt);
        update.setLong(3, now);
        update.setInt(4, maxAttempts);
        return update.executeUpdate();
      }
    });
  }

  /** Deletes the ended calls whose retention time is over; how many. */
  Future<Integer> purge(long now) {
    return store.call(connection -> {
      try (PreparedStatement delete = connection.prepareStatement("DELETE FROM function_calls"
        + " WHERE expires_at < ? AND state IN ('succeeded', 'failed', 'cancelled')")) {
        delete.setLong(1, now);
        return delete.executeUpdate();
      }
    });
  }

  private static int claimSet(PreparedStatement statement, String token, long now, long leaseUntil) throws SQLException {
    statement.setString(1, token);
    statement.setLong(2, leaseUntil);
    statement.setLong(3, now);
    return 4;
  }

  private static void dueParameters(PreparedStatement statement, int from, long now, int maxAttempts) throws SQLException {
    statement.setLong(from, now);
    statement.setLong(from + 1, now);
    statement.setInt(from + 2, maxAttempts);
  }

  private static AsyncCall byIdempotencyKey(Connection connection, String owner, String function, String callerKeyId,
                                            String idempotencyKey) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement("SELECT " + SELECTED + " FROM function_calls"
      + " WHERE owner = ? AND function_name = ? AND caller_key_id = ? AND idempotency_key = ?")) {
      select.setString(1, owner);
      select.setString(2, function);
      select.setString(3, callerKeyId);
      select.setString(4, idempotencyKey);
      List<AsyncCall> calls = list(select);
      return calls.isEmpty() ? null : calls.get(0);
    }
  }

  private static AsyncCall get(Connection connection, String id) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement("SELECT " + SELECTED + " FROM function_calls WHERE id = ?")) {
      select.setString(1, id);
      List<AsyncCall> calls = list(select);
      return calls.isEmpty() ? null : calls.get(0);
    }
  }

  private static List<AsyncCall> list(PreparedStatement statement) throws SQLException {
    List<AsyncCall> calls = new ArrayList<>();
    try (ResultSet rows = statement.executeQuery()) {
      while (rows.next()) {
        calls.add(new AsyncCall(rows.getString(1), rows.getString(2), rows.getString(3), rows.getString(4),
          new JsonObject(rows.getString(5)), rows.getString(6), CallState.of(rows.getString(7)), rows.getInt(8),
          rows.getLong(9), rows.getLong(10), rows.getLong(11), rows.getLong(12), rows.getLong(13), rows.getInt(14),
          rows.getString(15), rows.getString(16), rows.getLong(17), rows.getString(18)));
      }
    }
    return calls;
  }

  private static void set(PreparedStatement insert, AsyncCall call) throws SQLException {
    insert.setString(1, call.id());
    insert.setString(2, call.owner());
    insert.setString(3, call.function());
    insert.setString(4, call.command());
    insert.setString(5, call.call().encode());
    insert.setString(6, call.callerKeyId());
    insert.setString(7, call.state().label());
    insert.setInt(8, call.attempts());
    insert.setLong(9, call.nextAttemptAt());
    insert.setLong(10, call.createdAt());
    insert.setLong(11, call.startedAt());
    insert.setLong(12, call.finishedAt());
    insert.setLong(13, call.expiresAt());
    insert.setInt(14, call.resultStatus());
    insert.setNull(15, Types.VARCHAR);
    insert.setString(16, call.error());
  }
}
