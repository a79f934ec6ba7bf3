package io.wharf.functions.impl.registry;

import io.vertx.core.json.JsonObject;
import io.wharf.functions.impl.scaling.PoolSpec;

/**
 * A registered function.
 *
 * @param owner     the owner's user name
 * @param accountId the owner's account id: a new account of the same name does not inherit the function
 * @param path      the published folder, relative to the owner's home
 * @param open      whether callers need no key ({@code "public"} in the API)
 * @param version   SHA-256 of the current snapshot
 */
public record FunctionRecord(String owner, String accountId, String name, String path, boolean open, int timeoutSeconds,
                             int maxContainers, int minContainers, int concurrency, String version, long createdAt,
                             long updatedAt) {

  public String key() {
    return owner + "/" + name;
  }

  public PoolSpec poolSpec() {
    return new PoolSpec(owner, name, version, concurrency, minContainers, maxContainers);
  }

  public FunctionRecord withVersion(String nextVersion, long at) {
    return new FunctionRecord(owner, accountId, name, path, open, timeoutSeconds, maxContainers, minContainers, concurrency,
      nextVersion, createdAt, at);
  }

  /** The shape the API shows, and the cache keeps. */
  public JsonObject toJson() {
    return new JsonObject().put("owner", owner).put("account_id", accountId).put("name", name).put("path", path)
      .put("public", open).put("timeout_seconds", timeoutSeconds).put("max_containers", maxContainers)
      .put("min_containers", minContainers).put("concurrency", concurrency).put("version", version)
      .put("created_at", createdAt).put("updated_at", updatedAt);
  }

  public static FunctionRecord fromJson(JsonObject json) {
    return new FunctionRecord(json.getString("owner"), json.getString("account_id"), json.getString("name"),
      json.getString("path"), json.getBoolean("public"), json.getInteger("timeout_seconds"), json.getInteger("max_containers"),
      json.getInteger("min_containers"), json.getInteger("concurrency"), json.getString("version"),
      json.getLong("created_at"), json.getLong("updated_at"));
  }
}
