package io.wharf.session.testing;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpHeaders;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class OpenApiRepliesTest {

  private static Vertx vertx;
  private static OpenApiReplies spec;

  @BeforeAll
  static void load() {
    vertx = Vertx.vertx();
    spec = HubServerExtension.await(OpenApiReplies.load(vertx));
  }

  @AfterAll
  static void close() {
    HubServerExtension.await(vertx.close());
  }

  private static HubReply reply(int status, String body) {
    return new HubReply(status, HttpHeaders.of(Map.of(), (a, b) -> true), body);
  }

  @Test
  void findsTheOperationsOfApiPathsAndNoneForOthers() {
    assertNotNull(spec.operation("GET", "/hub/api"));
    assertNotNull(spec.operation("GET", "/hub/api/users?state=ready&limit=2"));
    assertNotNull(spec.operation("DELETE", "/hub/api/users/ann/servers/gpu"));
    assertNull(spec.operation("GET", "/hub/api/users/ann/profiles"));
    assertNull(spec.operation("GET", "/hub/home"));
  }

  @Test
  void acceptsAUserModelWithJupyterHubsNulls() {
    assertDoesNotThrow(() -> spec.check("GET", "/hub/api/users/ann", null, reply(200,
      "{\"kind\":\"user\",\"name\":\"ann\",\"admin\":false,\"roles\":[\"user\"],\"groups\":[],\"server\":null,"
        + "\"pending\":null,\"last_activity\":null,\"servers\":{}}")));
  }

  @Test
  void refusesABodyTheSchemaDoesNotAllow() {
    assertThrows(AssertionError.class, () -> spec.check("GET", "/hub/api/users/ann", null, reply(200,
      "{\"kind\":\"user\",\"name\":\"ann\",\"admin\":\"no\"}")));
    assertThrows(AssertionError.class, () -> spec.check("GET", "/hub/api/users", null, reply(200, "{\"items\":[]}")));
    assertThrows(AssertionError.class, () -> spec.check("GET", "/hub/api/users/ann", null, reply(200, "<html>")));
  }

  @Test
  void checksThePaginationEnvelopeWhenTheRequestAskedForIt() {
    String page = "{\"items\":[{\"kind\":\"user\",\"name\":\"ann\"}],\"_pagination\":{\"offset\":0,\"limit\":1,\"total\":2,"
      + "\"next\":{\"offset\":1,\"limit\":1,\"url\":\"http://127.0.0.1/hub/api/users?offset=1&limit=1\"}}}";
    assertDoesNotThrow(() -> spec.check("GET", "/hub/api/users", OpenApiReplies.PAGINATION, reply(200, page)));
    assertThrows(AssertionError.class, () -> spec.check("GET", "/hub/api/users", OpenApiReplies.PAGINATION, reply(200, "[]")));
    assertThrows(AssertionError.class, () -> spec.check("GET", "/hub/api/users", OpenApiReplies.PAGINATION,
      reply(200, "{\"items\":[{\"admin\":1}],\"_pagination\":{}}")));
  }

  @Test
  void refusesASuccessStatusTheOperationDoesNotDeclare() {
    assertThrows(AssertionError.class, () -> spec.check("DELETE", "/hub/api/users/ann", null, reply(200, "{}")));
    assertDoesNotThrow(() -> spec.check("DELETE", "/hub/api/users/ann", null, reply(204, "")));
  }

  @Test
  void leavesErrorsToTheirOwnChecks() {
    assertDoesNotThrow(() -> spec.check("GET", "/hub/api/users/ann", null, reply(404, "{\"status\":404,\"message\":\"no such user\"}")));
  }
}
