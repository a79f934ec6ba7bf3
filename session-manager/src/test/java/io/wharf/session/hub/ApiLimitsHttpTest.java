package io.wharf.session.hub;

import io.vertx.core.json.JsonObject;
import io.wharf.session.Scopes;
import io.wharf.session.Secrets;
import io.wharf.session.testing.HubClient;
import io.wharf.session.testing.HubOptions;
import io.wharf.session.testing.HubReply;
import io.wharf.session.testing.HubServerExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Hub API calls per token and per signed-in user: a burst of 3, then 1 a second. */
class ApiLimitsHttpTest {

  @RegisterExtension
  static final HubServerExtension hub = new HubServerExtension(new HubOptions().auth(new JsonObject()
    .put("api-calls-per-second", 1).put("api-burst", 3)));

  private static HubClient client;

  @BeforeAll
  static void users() {
    client = hub.client();
    hub.user("alice");
    hub.user("bob");
  }

  private static HubReply self(String token) {
    return client.get("/hub/api/user").token(token).send();
  }

  @Test
  void aTokenPastItsBurstGets429WithRetryAfterUntilItRefills() {
    String token = hub.token("alice", Scopes.READ_USERS);
    for (int i = 0; i < 3; i++) {
      self(token).json(200);
    }
    HubReply limited = self(token);
    assertEquals("too many API calls; slow down", limited.assertError(429));
    assertEquals("1", limited.header("Retry-After"));

    self(hub.token("alice", Scopes.READ_USERS)).json(200);
    hub.state().rateLimits().advance(Duration.ofSeconds(1));
    self(token).json(200);
    self(token).assertError(429);
  }

  @Test
  void cookieCallsAreCountedPerUserAcrossTheirSessions() {
    for (int i = 0; i < 3; i++) {
      client.get("/hub/api/user").session(hub.cookie("bob")).send().json(200);
    }
    client.get("/hub/api/users/bob").session(hub.cookie("bob")).send().assertError(429);
    client.get("/hub/api/user").session(hub.cookie("alice")).send().json(200);
  }

  @Test
  void pagesAreNotApiCalls() {
    for (int i = 0; i < 4; i++) {
      client.get("/hub/api/user").session(hub.cookie("alice")).send();
    }
    client.get("/hub/home").session(hub.cookie("alice")).send().assertStatus(200);
  }

  @Test
  void madeUpTokensAre403AndLeaveNoBucket() {
    String madeUp = Secrets.randomHex(32);
    for (int i = 0; i < 5; i++) {
      self(madeUp).assertError(403);
    }
    assertNull(hub.state().rateLimits().available("api-token:" + Secrets.sha256Hex(madeUp)));
  }
}
