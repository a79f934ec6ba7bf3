package io.wharf.session.hub;

import io.wharf.session.Scopes;
import io.wharf.session.SessionCookies;
import io.wharf.session.testing.HubClient;
import io.wharf.session.testing.HubOptions;
import io.wharf.session.testing.HubReply;
import io.wharf.session.testing.HubServerExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The double-submit CSRF check on state-changing hub requests: what a browser sends with the
 * session cookie must echo the {@code XSRF-TOKEN} cookie; API tokens, which browsers do not send
 * on their own, need no such proof.
 */
class CsrfTest {

  @RegisterExtension
  static final HubServerExtension hub = new HubServerExtension();

  private static HubClient client;

  @BeforeAll
  static void users() {
    client = hub.client();
    hub.user("alice");
  }

  @Test
  void hubPagesHandOutASecureXsrfCookie() {
    HubReply page = client.get("/hub/login").send().assertStatus(200);
    String cookie = page.setCookieLine(HubClient.XSRF_COOKIE);
    assertNotNull(cookie);
    assertTrue(cookie.contains("Secure"), cookie);
    assertTrue(cookie.contains("Path=/"), cookie);
    assertNotEquals(page.setCookie(HubClient.XSRF_COOKIE), client.xsrfToken(), "a fresh token per page");
  }

  @Test
  void aCookiePostWithoutTheXsrfHeaderIsRefused() {
    String cookie = hub.cookie("alice");
    String token = client.xsrfToken();
    String path = "/hub/api/users/alice/tokens";
    String message = client.post(path).session(cookie).json("{}").send().assertError(403);
    assertTrue(message.contains("XSRF"), message);
    client.post(path).session(cookie).cookie(HubClient.XSRF_COOKIE, token).json("{}").send().assertError(403);
    client.post(path).session(cookie).header(HubClient.XSRF_HEADER, token).json("{}").send().assertError(403);
    client.post(path).session(cookie).cookie(HubClient.XSRF_COOKIE, token).header(HubClient.XSRF_HEADER, client.xsrfToken())
      .json("{}").send().assertError(403);
    assertEquals(0, hub.tokensOf("alice").size(), "nothing was created");

    HubReply accepted = client.post(path).session(cookie).xsrf(token).json("{}").send().assertStatus(201);
    assertNotNull(accepted.setCookie(HubClient.XSRF_COOKIE), "a used token is replaced");
  }

  @Test
  void aCookieDeleteWithoutTheXsrfHeaderIsRefused() {
    String cookie = hub.cookie("alice");
    client.post("/hub/api/users/alice/servers/csrf").session(cookie).xsrf().send().assertStatus(202);
    client.delete("/hub/api/users/alice/servers/csrf").session(cookie).send().assertError(403);
    assertNotNull(hub.state().server("alice", "csrf"), "still there");
    client.delete("/hub/api/users/alice/servers/csrf").session(cookie).xsrf().send().assertStatus(204);
    assertNull(hub.state().server("alice", "csrf"));
  }

  @Test
  void tokenAuthenticatedRequestsNeedNoXsrfProof() {
    String token = hub.token("alice", Scopes.SERVERS, Scopes.TOKENS);
    client.post("/hub/api/users/alice/tokens").token(token).json("{\"note\": \"no csrf\"}").send().assertStatus(201);
    client.post("/hub/api/users/alice/servers/tok").token(token).send().assertStatus(202);
    client.delete("/hub/api/users/alice/servers/tok").token(token).send().assertStatus(204);
  }

  @Test
  void aLoginFormWithAStaleXsrfTokenGoesBackToAFreshForm() throws GeneralSecurityException {
    String stale = signed(hub.cookies(), System.currentTimeMillis() - 9 * 3600 * 1000L);
    String fresh = signed(hub.cookies(), System.currentTimeMillis());
    String[] form = {"username", "alice", "password", HubServerExtension.password("alice")};
    HubReply expired = client.post("/hub/login").cookie(HubClient.XSRF_COOKIE, stale)
      .form(append(form, HubClient.XSRF_HEADER, stale)).send().assertRedirect("/hub/login?error=expired");
    assertNull(expired.setCookie(HubOptions.COOKIE), "no session for a stale form");
    client.post("/hub/login").form(form).send().assertRedirect("/hub/login?error=expired");

    // The same form with a token signed now logs in: only the token's age made the difference.
    HubReply login = client.post("/hub/login").cookie(HubClient.XSRF_COOKIE, fresh).form(append(form, HubClient.XSRF_HEADER, fresh))
      .send().assertRedirect("/hub/spawn-pending/alice");
    assertNotNull(login.setCookie(HubOptions.COOKIE));
  }

  private static String[] append(String[] form, String name, String value) {
    String[] all = Arrays.copyOf(form, form.length + 2);
    all[form.length] = name;
    all[form.length + 1] = value;
    return all;
  }

  /** A CSRF token as the hub's CSRF handler signs them (salt.timestamp.HMAC), issued at {@code at}. */
  private static String signed(SessionCookies cookies, long at) throws GeneralSecurityException {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String data = b64.encodeToString(new byte[32]) + "." + at;
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(cookies.csrfSecret().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return data + "." + b64.encodeToString(mac.doFinal(data.getBytes(StandardCharsets.US_ASCII)));
  }
}
