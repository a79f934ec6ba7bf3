package io.wharf.session.store;

import io.vertx.core.Future;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** {@link TokenRecords} in the {@code api_tokens} table; scopes are kept as one space-separated string. */
final class JdbcTokens implements TokenRecords {

  private final JdbcStore store;

  JdbcTokens(JdbcStore store) {
    this.store = store;
  }

  @Override
  public Future<List<ApiToken>> all() {
    return store.call(connection -> {
      try (PreparedStatement select = connection.prepareStatement(
             "SELECT t.id, a.name, t.account_id, t.token_hash, t.scopes, t.note, t.created_at, t.expires_at"
               + " FROM api_tokens t JOIN accounts a ON a.id = t.account_id");
           ResultSet rows = select.executeQuery()) {
        List<ApiToken> tokens = new ArrayList<>();
        while (rows.next()) {
          tokens.add(new ApiToken(rows.getString(1), rows.getString(2), rows.getString(3), rows.getString(4),
            scopes(rows.getString(5)), rows.getString(6), rows.getLong(7), rows.getLong(8)));
        }
        return tokens;
      }
    });
  }

  @Override
  public Future<Void> insert(ApiToken token) {
    return store.call(connection -> {
      try (PreparedStatement insert = connection.prepareStatement("INSERT INTO api_tokens"
        + " (token_hash, id, account_id, scopes, note, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
        insert.setString(1, token.hash());
        insert.setString(2, token.id());
        insert.setString(3, token.accountId());
        insert.setString(4, token.scopes().stream().sorted().collect(Collectors.joining(" ")));
        insert.setString(5, token.note());
        insert.setLong(6, token.createdAt());
        insert.setLong(7, token.expiresAt());
        insert.executeUpdate();
        return null;
      }
    });
  }

  @Override
  public Future<Boolean> delete(String hash) {
    return store.call(connection -> {
      try (PreparedStatement delete = connection.prepareStatement("DELETE FROM api_tokens WHERE token_hash = ?")) {
        delete.setString(1, hash);
        return delete.executeUpdate() == 1;
      }
    });
  }

  @Override
  public Future<Integer> deleteOwnedBy(String accountId) {
    return store.call(connection -> {
      try (PreparedStatement delete = connection.prepareStatement("DELETE FROM api_tokens WHERE account_id = ?")) {
        delete.setString(1, accountId);
        return delete.executeUpdate();
      }
    });
  }

  private static Set<String> scopes(String joined) {
    return Arrays.stream(joined.split(" ")).filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet());
  }
}
