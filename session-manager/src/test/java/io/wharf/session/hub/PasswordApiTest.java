package io.wharf.session.hub;

import io.vertx.core.json.JsonObject;
import io.wharf.config.WharfConfig;
import io.wharf.session.Scopes;
import io.wharf.session.testing.HubClient;
import io.wharf.session.testing.HubOptions;
import io.wharf.session.testing.HubReply;
import io.wharf.session.testing.HubServerExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.wharf.session.testing.HubServerExtension.password;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code POST /hub/api/users/{name}/password}: who may change a password, what it checks, and the sessions it ends. */
class PasswordApiTest {

  @RegisterExtension
  static final HubServerExtension hub = new HubServerExtension();

  private static HubClient client;

  @BeforeAll
  static void setUp() {
    client = hub.client();
  }

  /** The login form as a browser posts it; returns the session cookie, or null when refused. */
  private static String login(String user, String password) {
    String token = client.xsrfToken();
    HubReply reply = client.post("/hub/login").cookie(HubClient.XSRF_COOKIE, token)
      .form("username", user, "password", password, HubClient.XSRF_HEADER, token).send();
    assertEquals(302, reply.status());
    return reply.location().startsWith("/hub/login?error") ? null : reply.setCookie(HubOptions.COOKIE);
  }

  private static HubReply change(String user, String cookie, JsonObject body) {
    return client.post("/hub/api/users/" + user + "/password").session(cookie).xsrf().json(body).send();
  }

  private static JsonObject body(String current, String next) {
    return new JsonObject().put("current_password", current).put("password", next);
  }

  @Test
  void aWrongCurrentPasswordIsRefusedAndChangesNothing() {
    hub.user("pw-wrong");
    String cookie = login("pw-wrong", password("pw-wrong"));
    assertEquals("current_password is wrong", change("pw-wrong", cookie, body("not-it-at-all", "new-password-1")).assertError(403));
    assertNotNull(login("pw-wrong", password("pw-wrong")), "the old password still works");
    assertEquals(200, client.get("/hub/api/user").session(cookie).send().status(), "the session goes on");
  }

  @Test
  void aShortOrMissingPasswordIsRefusedNamingTheField() {
    hub.user("pw-short");
    String cookie = login("pw-short", password("pw-short"));
    String message = change("pw-short", cookie, body(password("pw-short"), "short")).assertError(400);
    assertTrue(message.contains("password") && message.contains("8"), message);
    assertTrue(change("pw-short", cookie, new JsonObject().put("password", "long-enough-1")).assertError(400)
      .contains("current_password"));
    assertTrue(change("pw-short", cookie, body(password("pw-short"), "long-enough-1").put("admin", true)).assertError(400)
      .contains("admin"));
    assertTrue(change("pw-short", cookie, new JsonObject().put("current_password", 5).put("password", "long-enough-1"))
      .assertError(400).contains("current_password"));
  }

  @Test
  void theOwnChangeEndsOtherSessionsKeepsThisOneAndTheOldPasswordNoLongerLogsIn() {
    hub.user("pw-self");
    String other = login("pw-self", password("pw-self"));
    String mine = login("pw-self", password("pw-self"));
    HubReply reply = change("pw-self", mine, body(password("pw-self"), "a-new-password"));
    reply.assertStatus(204);
    String renewed = reply.setCookie(HubOptions.COOKIE);
    assertNotNull(renewed, "the caller gets a new cookie");

    client.get("/hub/api/user").session(other).send().assertError(403);
    client.get("/hub/api/user").session(mine).send().assertError(403);
    assertEquals("pw-self", client.get("/hub/api/user").session(renewed).send().json(200).getString("name"));
    assertEquals(null, login("pw-self", password("pw-self")), "the old password is refused");
    assertNotNull(login("pw-self", "a-new-password"));
  }

  @Test
  void anAdminSetsSomeoneElsesPasswordWithoutTheirs() {
    hub.user("pw-target");
    String target = login("pw-target", password("pw-target"));
    String admin = login(HubOptions.ADMIN, HubOptions.ADMIN_PASSWORD);
    change("pw-target", admin, new JsonObject().put("password", "set-by-admin")).assertStatus(204);

    client.get("/hub/api/user").session(target).send().assertError(403);
    assertEquals(null, login("pw-target", password("pw-target")));
    assertNotNull(login("pw-target", "set-by-admin"));
    assertEquals(HubOptions.ADMIN, client.get("/hub/api/user").session(admin).send().json(200).getString("name"),
      "the admin's own session goes on");
  }

  @Test
  void aUserCannotSetAnotherUsersPasswordAndTokensNeedTheTokensScope() {
    hub.user("pw-mallory");
    hub.user("pw-victim");
    String mallory = login("pw-mallory", password("pw-mallory"));
    change("pw-victim", mallory, body(password("pw-mallory"), "taken-over-1")).assertError(403);
    assertNotNull(login("pw-victim", password("pw-victim")));

    String servers = hub.token("pw-mallory", Scopes.SERVERS);
    client.post("/hub/api/users/pw-mallory/password").token(servers).json(body(password("pw-mallory"), "changed-by-token"))
      .send().assertError(403);
    String tokens = hub.token("pw-mallory", Scopes.TOKENS);
    HubReply reply = client.post("/hub/api/users/pw-mallory/password").token(tokens)
      .json(body(password("pw-mallory"), "changed-by-token")).send().assertStatus(204);
    assertFalse(reply.headers().firstValue("Set-Cookie").isPresent(), "a token caller gets no cookie");
    assertNotNull(login("pw-mallory", "changed-by-token"));
  }

  @Test
  void wrongCurrentPasswordsCountAsFailedLoginsOfTheAccount() {
    hub.user("pw-guess");
    String cookie = login("pw-guess", password("pw-guess"));
    int limit = WharfConfig.defaults().getJsonObject("auth").getInteger("login-attempts-per-account");
    for (int i = 0; i < limit; i++) {
      change("pw-guess", cookie, body("guess-number-" + i, "new-password-1")).assertError(403);
    }
    HubReply refused = change("pw-guess", cookie, body(password("pw-guess"), "new-password-1"));
    refused.assertError(429);
    assertNotNull(refused.header("Retry-After"));
  }

  @Test
  void aChangeLeavesTheAccountsApiTokensWorking() {
    hub.user("pw-tokens");
    String token = hub.token("pw-tokens", Scopes.INHERIT);
    client.post("/hub/api/users/pw-tokens/password").token(hub.adminToken()).json(new JsonObject().put("password", "set-by-admin"))
      .send().assertStatus(204);
    assertEquals("pw-tokens", client.get("/hub/api/user").token(token).send().json(200).getString("name"));
  }

  @Test
  void anUnknownUserIs404ForAnAdmin() {
    client.post("/hub/api/users/pw-nobody/password").token(hub.adminToken()).json(new JsonObject().put("password", "whatever-1"))
      .send().assertError(404);
  }
}
