package io.wharf.functions.impl.registry;

import io.vertx.core.json.JsonObject;

/**
 * A key that lets a caller invoke one function. Only the SHA-256 of its secret is kept.
 *
 * @param expiresAt epoch milliseconds; 0 for never
 */
public record FunctionKey(String id, String hash, String owner, String accountId, String function, String note, long createdAt,
                          long expiresAt) {

  public boolean expired(long now) {
    return expiresAt > 0 && now >= expiresAt;
  }

  /** Whether it opens {@code fn}: the function of that name of that account, not a namesake's. */
  public boolean opens(FunctionRecord fn) {
    return fn.accountId().equals(accountId) && fn.name().equals(function) && fn.owner().equals(owner);
  }

  /** The shape the cache keeps, hash included. */
  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("hash", hash).put("owner", owner).put("account_id", accountId)
      .put("function", function).put("note", note).put("created_at", createdAt).put("expires_at", expiresAt);
  }

  /** The shape the API lists: never the hash. */
  public JsonObject toPublicJson() {
    return new JsonObject().put("id", id).put("function", function).put("note", note).put("created_at", createdAt)
      .put("expires_at", expiresAt == 0 ? null : expiresAt);
  }

  public static FunctionKey fromJson(JsonObject json) {
    return new FunctionKey(json.getString("id"), json.getString("hash"), json.getString("owner"), json.getString("account_id"),
      json.getString("function"), json.getString("note"), json.getLong("created_at"), json.getLong("expires_at"));
  }
}
