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

import java.time.Duration;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code POST /hub/login} and {@code POST /hub/logout}, and the page that needs a login, {@code /hub/home}. */
class LoginHandlerTest {

  @RegisterExtension
  static final HubServerExtension hub = new HubServerExtension();

  private static HubClient client;

  @BeforeAll
  static void users() {
    client = hub.client();
    List.of("alice", "bob", "carol").forEach(hub::user);
  }

  /** The login form as a browser posts it, with a fresh CSRF token. */
  private static HubReply login(String user, String password, String... more) {
    String token = client.xsrfToken();
    String[] form = new String[6 + more.length];
    System.arraycopy(new String[] {"username", user, "password", password, HubClient.XSRF_HEADER, token}, 0, form, 0, 6);
    System.arraycopy(more, 0, form, 6, more.length);
    return client.post("/hub/login").cookie(HubClient.XSRF_COOKIE, token).form(form).send();
  }

  private static long launchesOf(String user) {
    return hub.containers().launches().stream().filter(l -> l.user().equals(user)).count();
  }

  @Test
  void theRightPasswordSetsTheCookieAndStartsTheServer() throws SessionCookies.InvalidCookieException {
    hub.containers().holdLaunches(true);
    HubReply reply = login(" Alice ", HubServerExtension.password("alice")).assertRedirect("/hub/spawn-pending/alice");
    String cookie = reply.setCookieLine(HubOptions.COOKIE);
    for (String attribute : List.of("path=/", "secure", "httponly", "samesite=lax", "max-age=3600")) {
      assertTrue(cookie.toLowerCase(Locale.ROOT).contains("; " + attribute), cookie);
    }
    String value = reply.setCookie(HubOptions.COOKIE);
    assertEquals("alice", hub.cookies().verify(value).user());
    assertEquals("alice", client.get("/hub/api/user").session(value).send().json(200).getString("name"));

    assertTrue(hub.state().server("alice", "").pending(), "the login started the server");
    assertEquals(1, launchesOf("alice"));
    hub.release("alice", "");
  }

  @Test
  void aRunningServerIsWhereALoginGoesUnlessItAsksForALocalPage() {
    client.post("/hub/api/users/bob/server").token(hub.token("bob", Scopes.SERVERS)).send().assertStatus(202);
    String password = HubServerExtension.password("bob");
    login("bob", password).assertRedirect("/user/bob/");
    login("bob", password, "next", "/user/bob/tree").assertRedirect("/user/bob/tree");
    login("bob", password, "next", "//evil.example/").assertRedirect("/user/bob/");
    login("bob", password, "next", "https://evil.example/").assertRedirect("/user/bob/");
    assertEquals(1, launchesOf("bob"));
  }

  @Test
  void aWrongPasswordGoesBackToTheFormWithoutACookie() {
    HubReply wrong = login("alice", "not-the-password").assertRedirect("/hub/login?error=invalid");
    assertNull(wrong.setCookie(HubOptions.COOKIE));
    login("nobody", "whatever-password").assertRedirect("/hub/login?error=invalid");
    login("alice", "").assertRedirect("/hub/login?error=invalid");
    login("alice", "wrong-password", "next", "/user/alice/tree").assertRedirect("/hub/login?error=invalid&next=%2Fuser%2Falice%2Ftree");
  }

  @Test
  void aUserWhoseServerFailedIsSentHomeToReadWhy() {
    hub.containers().failLaunches("the image is missing");
    client.post("/hub/api/users/carol/server").token(hub.token("carol", Scopes.SERVERS)).send().assertStatus(202);
    assertTrue(hub.state().server("carol", "").failed());

    login("carol", HubServerExtension.password("carol")).assertRedirect("/hub/home");
    assertEquals(1, launchesOf("carol"), "a login does not retry a failed server");
  }

  @Test
  void logoutClearsTheCookie() {
    HubReply out = client.post("/hub/logout").session(hub.cookie("alice")).xsrf().send().assertRedirect("/hub/login");
    assertEquals("", out.setCookie(HubOptions.COOKIE));
    assertTrue(out.setCookieLine(HubOptions.COOKIE).contains("Max-Age=0"), out.setCookieLine(HubOptions.COOKIE));
  }

  @Test
  void theHomePageNeedsALogin() {
    client.get("/hub/home").send().assertRedirect("/hub/login?next=/hub/home");
    client.get("/hub/home").session(hub.cookies(Duration.ofHours(-1)).issue("alice", "id-of-alice")).send()
      .assertRedirect("/hub/login?next=/hub/home");
    HubReply home = client.get("/hub/home").session(hub.cookie("alice")).send().assertStatus(200);
    assertTrue(home.body().contains("<title>home</title>"), home.body());
    assertEquals("no-store", home.header("Cache-Control"));
    client.get("/hub/login").send().assertStatus(200);
    client.get("/").send().assertRedirect("/hub/home");
  }
}
