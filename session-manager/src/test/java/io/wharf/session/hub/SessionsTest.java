package io.wharf.session.hub;

import io.wharf.session.Scopes;
import io.wharf.session.SessionCookies;
import io.wharf.session.SessionRevocations;
import io.wharf.session.testing.HubClient;
import io.wharf.session.testing.HubOptions;
import io.wharf.session.testing.HubReply;
import io.wharf.session.testing.HubServerExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Login sessions end: {@code POST /hub/logout} ends the cookie's own session, {@code DELETE
 * /hub/api/users/{name}/sessions} and deleting the user end all of them, and a cookie is bound
 * to its account, not to the name.
 */
class SessionsTest {

  @RegisterExtension
  static final HubServerExtension hub = new HubServerExtension();

  private static HubClient client;
  private static String admin;

  @BeforeAll
  static void users() {
    client = hub.client();
    admin = hub.adminToken();
  }

  private static void accepted(String cookie) {
    client.get("/hub/api/user").session(cookie).send().assertStatus(200);
  }

  private static void refused(String cookie) {
    client.get("/hub/api/user").session(cookie).send().assertError(403);
    client.get("/hub/home").session(cookie).send().assertRedirect("/hub/login?next=/hub/home");
  }

  private static String sessionId(String cookie) throws SessionCookies.InvalidCookieException {
    return hub.cookies().verify(cookie).sessionId();
  }

  @Test
  void aCookieReplayedAfterLogoutIsRefusedAndTheOtherSessionsStay() throws Exception {
    hub.user("olga");
    String cookie = hub.cookie("olga");
    String otherDevice = hub.cookie("olga");
    accepted(cookie);

    HubReply out = client.post("/hub/logout").session(cookie).xsrf().send().assertRedirect("/hub/login");
    assertEquals("", out.setCookie(HubOptions.COOKIE));

    refused(cookie);
    accepted(otherDevice);
    assertNotNull(hub.state().revocationMap().get(SessionRevocations.sessionKey(sessionId(cookie))));
  }

  @Test
  void aLogoutIsInTheDatabaseBeforeItIsAnswered() throws Exception {
    hub.user("pia");
    String cookie = hub.cookie("pia");
    client.post("/hub/logout").session(cookie).xsrf().send().assertRedirect("/hub/login");
    try (Connection db = hub.database();
         PreparedStatement select = db.prepareStatement("SELECT forget_after FROM session_revocations WHERE revoked_key = ?")) {
      select.setString(1, SessionRevocations.sessionKey(sessionId(cookie)));
      try (ResultSet row = select.executeQuery()) {
        assertTrue(row.next(), "the revocation was committed");
        assertTrue(row.getLong(1) >= hub.cookies().verify(cookie).expiresAtMillis(), "kept until the cookie expires");
      }
    }
  }

  @Test
  void aGetOfTheLogoutPathOnlyShowsTheFormAndLogsNobodyOut() throws Exception {
    hub.user("quinn");
    String cookie = hub.cookie("quinn");
    HubReply page = client.get("/hub/logout").session(cookie).send().assertStatus(200);
    assertTrue(page.body().contains("<title>logout</title>"), page.body());
    assertNull(page.setCookie(HubOptions.COOKIE), "the cookie is left alone");
    accepted(cookie);
    assertNull(hub.state().revocationMap().get(SessionRevocations.sessionKey(sessionId(cookie))));
  }

  @Test
  void aLogoutWithoutTheCsrfTokenEndsNothing() {
    hub.user("rhea");
    String cookie = hub.cookie("rhea");
    client.post("/hub/logout").session(cookie).send().assertStatus(403);
    accepted(cookie);
  }

  @Test
  void aLogoutThatCannotBeRecordedIs503AndKeepsTheCookie() {
    hub.user("sven");
    String cookie = hub.cookie("sven");
    hub.state().failing(true);
    HubReply reply = client.post("/hub/logout").session(cookie).xsrf().send();
    hub.state().failing(false);
    reply.assertError(503);
    assertNull(reply.setCookie(HubOptions.COOKIE));
    accepted(cookie);
  }

  @Test
  void aCookieOfADeletedAccountIsRefusedForANewAccountOfTheSameName() {
    hub.user("tara");
    String old = hub.cookie("tara");
    accepted(old);
    client.delete("/hub/api/users/tara").token(admin).send().assertStatus(204);
    refused(old);
    hub.user("tara");
    refused(old);
    accepted(hub.cookie("tara"));
  }

  @Test
  void aCookieNamingAnotherAccountIdIsRefusedEvenWithoutARevocation() {
    hub.user("ugo");
    refused(hub.cookies().issue("ugo", "some-earlier-account-id"));
  }

  @Test
  void endingAllSessionsRefusesEveryEarlierCookieButNotLaterLogins() throws Exception {
    hub.user("vera");
    String first = hub.cookie("vera");
    String second = hub.cookie("vera");
    client.delete("/hub/api/users/vera/sessions").token(admin).send().assertStatus(204);
    refused(first);
    refused(second);
    // iat has whole seconds: a cookie issued in the same second as the end is refused too.
    Thread.sleep(1_000 - System.currentTimeMillis() % 1_000 + 5);
    accepted(hub.cookie("vera"));
  }

  @Test
  void aUserMayEndTheirOwnSessionsButNotAnothersAndUnknownUsersAre404() {
    hub.user("walt");
    hub.user("xena");
    String walt = hub.cookie("walt");
    String xena = hub.cookie("xena");
    client.delete("/hub/api/users/xena/sessions").token(hub.token("walt", Scopes.TOKENS)).send().assertError(403);
    accepted(xena);
    client.delete("/hub/api/users/walt/sessions").session(walt).xsrf().send().assertStatus(204);
    refused(walt);
    client.delete("/hub/api/users/nobody/sessions").token(admin).send().assertError(404);
  }
}
