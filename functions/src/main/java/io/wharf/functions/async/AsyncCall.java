package io.wharf.functions.async;

import io.vertx.core.json.JsonObject;

/**
 * One durable async call as stored. Times are epoch millis; {@code startedAt}, {@code finishedAt}
 * and {@code expiresAt} are 0 until they happen; {@code resultStatus} is 0 and {@code resultBody}
 * null until the function answered.
 *
 * @param error     why the call failed, or why its last attempt is being retried; null otherwise
 * @param timeoutMs how long one attempt may take
 * @param container the id of the function container the attempt in progress was sent to (recorded before it was sent);
 *                  null while queued, or before the attempt reached a container
 */
public record AsyncCall(String id, String owner, String function, String command, JsonObject call, String callerKeyId,
                        CallState state, int attempts, long nextAttemptAt, long createdAt, long startedAt,
                        long finishedAt, long expiresAt, int resultStatus, String resultBody, String error,
                        long timeoutMs, String container) {

  /** The call as {@code GET /fn/calls/{id}} shows it: state, and the function's answer once it ended. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("id", id).put("owner", owner).put("function", function)
      .put("command", command).put("state", state.label()).put("attempts", attempts)
      .put("created_at", createdAt);
    if (startedAt > 0) {
      json.put("started_at", startedAt);
    }
    if (finishedAt > 0) {
      json.put("finished_at", finishedAt).put("expires_at", expiresAt);
    }
    if (state == CallState.QUEUED && attempts > 0) {
      json.put("next_attempt_at", nextAttemptAt);
    }
    if (error != null) {
      json.put("error", error);
    }
    if (state.ended() && resultBody != null) {
      Object body = parsed(resultBody);
      json.put("response", new JsonObject().put("status", resultStatus).put("body", body));
      if (state == CallState.SUCCEEDED && body instanceof JsonObject object && object.containsKey("result")) {
        json.put("result", object.getValue("result"));
      }
    }
    return json;
  }

  private static Object parsed(String body) {
    try {
      return new JsonObject(body);
    } catch (RuntimeException notAnObject) {
      return body;
    }
  }
}
