package io.wharf.session.hub;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wharf.session.testing.HubClient;
import io.wharf.session.testing.HubOptions;
import io.wharf.session.testing.HubServerExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code GET /hub/api/users/{name}/usage}: a user's server runs from the durable usage records. */
class UsageApiTest {

  @RegisterExtension
  static final HubServerExtension hub = new HubServerExtension();

  @BeforeEach
  void reported() {
    hub.reportInstance(HubOptions.INSTANCE, true);
  }

  private static HubClient client() {
    return hub.client();
  }

  /** How many of {@code accountId}'s runs are closed with {@code reason}, once that is {@code expected} (the writes follow the step). */
  private static int closedRuns(String accountId, String reason, int expected) throws Exception {
    long deadline = System.currentTimeMillis() + 5_000;
    int count;
    do {
      try (Connection connection = hub.database(); PreparedStatement select = connection.prepareStatement(
        "SELECT COUNT(*) FROM usage_runs WHERE account_id = ? AND reason = ? AND stopped_at IS NOT NULL")) {
        select.setString(1, accountId);
        select.setString(2, reason);
        try (ResultSet rows = select.executeQuery()) {
          rows.next();
          count = rows.getInt(1);
        }
      }
      if (count != expected) {
        Thread.sleep(20);
      }
    } while (count != expected && System.currentTimeMillis() < deadline);
    return count;
  }

  private static void startAndStop(String user) throws Exception {
    client().post("/hub/api/users/" + user + "/server").token(hub.adminToken()).send().assertStatus(202);
    assertTrue(hub.state().server(user, "").running());
    Thread.sleep(20);
    client().delete("/hub/api/users/" + user + "/server").token(hub.adminToken()).send().assertStatus(204);
  }

  @Test
  void aUserSeesTheirStoppedRunWithItsTimesReasonAndSeconds() throws Exception {
    hub.user("ulla");
    long before = System.currentTimeMillis();
    startAndStop("ulla");
    assertEquals(1, closedRuns(hub.accountId("ulla"), "stopped", 1));

    JsonObject usage = client().get("/hub/api/users/ulla/usage").token(hub.token("ulla", "read:users!user=ulla")).send().json(200);
    JsonArray runs = usage.getJsonArray("runs");
    assertEquals(1, runs.size());
    JsonObject run = runs.getJsonObject(0);
    assertEquals("", run.getString("server"));
    assertNotNull(run.getString("profile"));
    long started = Instant.parse(run.getString("started")).toEpochMilli();
    long stopped = Instant.parse(run.getString("stopped")).toEpochMilli();
    assertTrue(started >= before && stopped >= started, run.encode());
    assertEquals("stopped", run.getString("reason"));
    assertEquals((stopped - started) / 1000, run.getLong("seconds"));
    assertEquals(run.getLong("seconds"), usage.getLong("total_seconds"));

    String later = Instant.ofEpochMilli(System.currentTimeMillis() + 60_000).toString();
    JsonObject none = client().get("/hub/api/users/ulla/usage?since=" + later).token(hub.adminToken()).send().json(200);
    assertEquals(new JsonObject().put("runs", new JsonArray()).put("total_seconds", 0), none);
    JsonObject until = client().get("/hub/api/users/ulla/usage?until=" + Instant.ofEpochMilli(before - 1)).token(hub.adminToken())
      .send().json(200);
    assertEquals(0, until.getJsonArray("runs").size());
    client().get("/hub/api/users/ulla/usage?since=yesterday").token(hub.adminToken()).send().assertStatus(400);
  }

  @Test
  void anotherUserGets403AndAnUnknownUser404() {
    hub.user("ugo");
    hub.user("una");
    client().get("/hub/api/users/ugo/usage").token(hub.token("una", "read:users!user=una")).send().assertStatus(403);
    client().get("/hub/api/users/ugo/usage").token(hub.token("una", "servers")).send().assertStatus(403);
    client().get("/hub/api/users/nobody/usage").token(hub.adminToken()).send().assertStatus(404);
  }

  @Test
  void aDeletedAccountsRunsAreKeptButANewAccountOfTheNameDoesNotSeeThem() throws Exception {
    hub.user("uwe");
    String old = hub.accountId("uwe");
    client().post("/hub/api/users/uwe/server").token(hub.adminToken()).send().assertStatus(202);
    client().delete("/hub/api/users/uwe").token(hub.adminToken()).send().assertStatus(204);
    assertEquals(1, closedRuns(old, "deleted", 1), "kept, closed as deleted");
    assertNull(hub.accountId("uwe"));

    hub.user("uwe");
    JsonObject usage = client().get("/hub/api/users/uwe/usage").token(hub.adminToken()).send().json(200);
    assertEquals(0, usage.getJsonArray("runs").size());
    assertEquals(0, usage.getLong("total_seconds"));
  }
}
