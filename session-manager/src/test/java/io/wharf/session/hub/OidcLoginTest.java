package io.wharf.session.hub;

import com.nimbusds.jwt.JWTClaimsSet;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wharf.config.WharfConfig;
import io.wharf.session.store.Account;
import io.wharf.session.testing.HubClient;
import io.wharf.session.testing.HubOptions;
import io.wharf.session.testing.HubReply;
import io.wharf.session.testing.HubServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Date;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sign-in through an OpenID Connect provider against {@link FakeOidcProvider}: the account found
 * by the provider's subject or created, a local account never taken over, the allow-list and
 * admin groups, and each refusal as a plain page with a 4xx status.
 */
class OidcLoginTest {

  private static final FakeOidcProvider provider = new FakeOidcProvider();

  @RegisterExtension
  static final HubServerExtension hub = new HubServerExtension(new HubOptions().auth(new JsonObject().put("oidc", oidcSection())));

  private static HubClient client;

  static JsonObject oidcSection() {
    return WharfConfig.defaults().getJsonObject("auth").getJsonObject("oidc").copy()
      .put("issuer", provider.issuer()).put("provider-name", "Test ID")
      .put("client-id", FakeOidcProvider.CLIENT_ID).put("client-secret", FakeOidcProvider.CLIENT_SECRET)
      .put("allowed-groups", new JsonArray().add("staff")).put("admin-groups", new JsonArray().add("wharf-admins"));
  }

  @BeforeAll
  static void setUp() {
    client = hub.client();
  }

  @AfterAll
  static void stopProvider() {
    provider.close();
  }

  private static JsonObject person(String name, String... groups) {
    return new JsonObject().put("preferred_username", name).put("groups", new JsonArray(java.util.List.of((Object[]) groups)));
  }

  /** Starts a sign-in at the hub, answers it at the provider, and returns the hub's answer to the callback. */
  private static HubReply signIn(String subject, JsonObject userInfo, Consumer<JWTClaimsSet.Builder> bend) {
    HubReply start = client.get("/hub/oidc/login?next=/hub/home").send();
    assertEquals(302, start.status(), start.body());
    assertTrue(start.location().startsWith(provider.issuer() + "/authorize?"), start.location());
    String pending = start.setCookie(OidcLogin.PENDING_COOKIE);
    assertNotNull(pending, "the pending sign-in is kept in a cookie");
    String line = start.setCookieLine(OidcLogin.PENDING_COOKIE).toLowerCase(java.util.Locale.ROOT);
    assertTrue(line.contains("max-age=600") && line.contains("path=/hub/oidc/") && line.contains("httponly") && line.contains("secure"),
      "ten minutes, HttpOnly, only on /hub/oidc/: " + line);
    String query = provider.authorize(URI.create(start.location()), subject, userInfo, bend);
    return client.get("/hub/oidc/callback?" + query).cookie(OidcLogin.PENDING_COOKIE, pending).send();
  }

  private static HubReply signIn(String subject, JsonObject userInfo) {
    return signIn(subject, userInfo, claims -> { });
  }

  private static String userOf(HubReply reply) {
    assertEquals(302, reply.status(), reply.body());
    String cookie = reply.setCookie(HubOptions.COOKIE);
    assertNotNull(cookie, "a session cookie");
    return client.get("/hub/api/user").session(cookie).send().json(200).getString("name");
  }

  /** The refusal page: its status, a sentence, and no trace of Java. */
  private static String refused(HubReply reply, int status) {
    assertEquals(status, reply.status(), reply.body());
    assertNull(reply.setCookie(HubOptions.COOKIE), "no session cookie");
    assertTrue(reply.header("Content-Type").startsWith("text/html"), reply.header("Content-Type"));
    for (String trace : new String[] {"Exception", "java.", "com.nimbusds", "io.wharf"}) {
      assertFalse(reply.body().contains(trace), reply.body());
    }
    return reply.body();
  }

  private static String linkedAccount(String issuer, String subject) throws SQLException {
    try (Connection db = hub.database();
         PreparedStatement select = db.prepareStatement("SELECT account_id FROM account_identities WHERE issuer = ? AND subject = ?")) {
      select.setString(1, issuer);
      select.setString(2, subject);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? rows.getString(1) : null;
      }
    }
  }

  @Test
  void theLoginPageLearnsTheProvidersName() {
    JsonObject info = client.get("/hub/oidc/provider").send().json(200);
    assertEquals("Test ID", info.getString("name"));
    assertEquals("/hub/oidc/login", info.getString("login"));
  }

  @Test
  void aFirstSignInCreatesALinkedAccountWithoutAPassword() throws SQLException {
    assertEquals("oidc-ann", userOf(signIn("sub-ann", person("OIDC-Ann", "staff"))));
    Account account = hub.state().shared().accounts().account("oidc-ann");
    assertNull(account.passwordHash(), "no password");
    assertFalse(account.admin());
    assertEquals(account.id(), linkedAccount(provider.issuer(), "sub-ann"), "the link is in the database");
    String token = client.xsrfToken();
    HubReply password = client.post("/hub/login").cookie(HubClient.XSRF_COOKIE, token)
      .form("username", "oidc-ann", "password", "", HubClient.XSRF_HEADER, token).send();
    password.assertRedirect("/hub/login?error=invalid");
  }

  @Test
  void theNextSignInFindsTheAccountByItsSubjectNotByTheNameClaim() {
    assertEquals("oidc-ben", userOf(signIn("sub-ben", person("oidc-ben", "staff"))));
    String id = hub.accountId("oidc-ben");
    assertEquals("oidc-ben", userOf(signIn("sub-ben", person("oidc-benjamin", "staff"))), "renamed at the provider");
    assertEquals(id, hub.accountId("oidc-ben"));
    assertNull(hub.accountId("oidc-benjamin"));
  }

  @Test
  void aDeletedAccountIsNotFoundAgainTheNextSignInStartsANewOne() throws SQLException {
    assertEquals("oidc-gone", userOf(signIn("sub-gone", person("oidc-gone", "staff"))));
    String old = hub.accountId("oidc-gone");
    client.delete("/hub/api/users/oidc-gone").token(hub.adminToken()).send().assertStatus(204);
    assertNull(linkedAccount(provider.issuer(), "sub-gone"), "the link went with the account");
    assertEquals("oidc-gone", userOf(signIn("sub-gone", person("oidc-gone", "staff"))));
    String fresh = hub.accountId("oidc-gone");
    assertNotNull(fresh);
    assertFalse(fresh.equals(old), "a new account");
  }

  @Test
  void theNameClaimInTheIdTokenIsUsedWithoutUserInfo() {
    assertEquals("oidc-id", userOf(signIn("sub-id", new JsonObject(),
      claims -> claims.claim("preferred_username", "oidc-id").claim("groups", java.util.List.of("staff")))));
  }

  @Test
  void aLocalAccountOfTheSameNameIsNotTakenOver() {
    hub.user("oidc-local");
    String id = hub.accountId("oidc-local");
    String page = refused(signIn("sub-intruder", person("oidc-local", "staff")), 409);
    assertTrue(page.contains("already exists"), page);
    assertEquals(id, hub.accountId("oidc-local"));
    assertNotNull(hub.state().shared().accounts().account("oidc-local").passwordHash(), "still its own password");
  }

  @Test
  void someoneOutsideTheAllowedGroupsIsRefused() {
    String page = refused(signIn("sub-outsider", person("oidc-outsider", "visitors")), 403);
    assertTrue(page.contains("not allowed"), page);
    assertNull(hub.accountId("oidc-outsider"));
  }

  @Test
  void theAdminGroupMakesAnAdminAndLeavingItEndsThat() {
    assertEquals("oidc-boss", userOf(signIn("sub-boss", person("oidc-boss", "staff", "wharf-admins"))));
    assertTrue(hub.state().shared().accounts().account("oidc-boss").admin());
    userOf(signIn("sub-boss", person("oidc-boss", "staff")));
    assertFalse(hub.state().shared().accounts().account("oidc-boss").admin());
  }

  @Test
  void anUnusableNameClaimIsRefused() {
    String page = refused(signIn("sub-email", person("someone@example.org", "staff")), 403);
    assertTrue(page.contains("preferred_username"), page);
  }

  @Test
  void aWrongNonceIsRefused() {
    String page = refused(signIn("sub-nonce", person("oidc-nonce", "staff"), claims -> claims.claim("nonce", "replayed")), 403);
    assertTrue(page.toLowerCase(java.util.Locale.ROOT).contains("nonce"), page);
    assertNull(hub.accountId("oidc-nonce"));
  }

  @Test
  void anIdTokenForAnotherClientIsRefused() {
    String page = refused(signIn("sub-aud", person("oidc-aud", "staff"), claims -> claims.audience("another-client")), 403);
    assertTrue(page.contains("audience"), page);
  }

  @Test
  void anExpiredIdTokenIsRefused() {
    long past = System.currentTimeMillis() - 600_000;
    String page = refused(signIn("sub-old", person("oidc-old", "staff"),
      claims -> claims.issueTime(new Date(past)).expirationTime(new Date(past + 60_000))), 403);
    assertTrue(page.contains("xpired"), page);
  }

  @Test
  void aCallbackWithAnotherStateOrWithoutItsCookieIsRefused() {
    HubReply start = client.get("/hub/oidc/login").send();
    String pending = start.setCookie(OidcLogin.PENDING_COOKIE);
    String query = provider.authorize(URI.create(start.location()), "sub-state", person("oidc-state", "staff"), claims -> { });
    String forged = query.replaceAll("state=[^&]*", "state=forged");
    assertTrue(refused(client.get("/hub/oidc/callback?" + forged).cookie(OidcLogin.PENDING_COOKIE, pending).send(), 400)
      .contains("state"));
    refused(client.get("/hub/oidc/callback?" + query).send(), 400);
    refused(client.get("/hub/oidc/callback?" + query).cookie(OidcLogin.PENDING_COOKIE, pending + "x").send(), 400);
    assertNull(hub.accountId("oidc-state"));
  }

  @Test
  void anAnswerNamingAnotherIssuerIsRefused() {
    HubReply start = client.get("/hub/oidc/login").send();
    String pending = start.setCookie(OidcLogin.PENDING_COOKIE);
    String query = provider.authorize(URI.create(start.location()), "sub-mixup", person("oidc-mixup", "staff"), claims -> { });
    String page = refused(client.get("/hub/oidc/callback?" + query + "&iss=https%3A%2F%2Fevil.example")
      .cookie(OidcLogin.PENDING_COOKIE, pending).send(), 400);
    assertTrue(page.contains("another identity provider"), page);
    assertNull(hub.accountId("oidc-mixup"));
  }

  @Test
  void theProvidersRefusalIsShownAsAPage() {
    HubReply start = client.get("/hub/oidc/login").send();
    String pending = start.setCookie(OidcLogin.PENDING_COOKIE);
    String state = URI.create(start.location()).getQuery().replaceAll(".*state=([^&]*).*", "$1");
    String page = refused(client.get("/hub/oidc/callback?error=access_denied&error_description=User+said+no&state=" + state)
      .cookie(OidcLogin.PENDING_COOKIE, pending).send(), 403);
    assertTrue(page.contains("access_denied"), page);
  }
}
