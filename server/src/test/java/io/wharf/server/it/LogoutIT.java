package io.wharf.server.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Logout against the real process: {@code POST /hub/logout} ends the session, the cookie
 * replayed afterwards is refused by the hub API and by the router on {@code /user/...}, and it
 * stays refused after the instance restarts on the same data directory. A GET of the logout
 * path ends nothing, and another login session of the same user is left alone.
 */
class LogoutIT {

  private static final String COOKIE = "wharf-session";

  private static WharfProcess wharf;

  @BeforeAll
  static void start() throws Exception {
    wharf = new WharfProcess("logout", Map.of()).start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (wharf != null) {
      wharf.close();
      try (var files = Files.walk(wharf.dataDir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static HubClient loggedIn() throws Exception {
    HubClient client = new HubClient(wharf.base());
    assertEquals(302, client.login("admin", WharfProcess.ADMIN_PASSWORD).statusCode());
    assertNotNull(client.cookie(COOKIE));
    return client;
  }

  /** A client that only replays {@code cookie}, as an attacker holding a copy of it would. */
  private static HubClient replaying(String cookie) {
    HubClient client = new HubClient(wharf.base());
    client.setCookie(COOKIE, cookie);
    return client;
  }

  private static int apiStatus(HubClient client, String path) throws Exception {
    return client.send(client.request(path).header("Accept", "application/json").GET().build()).statusCode();
  }

  private static void assertRefused(String cookie) throws Exception {
    HubClient replay = replaying(cookie);
    assertEquals(403, apiStatus(replay, "/hub/api/user"));
    assertEquals(401, apiStatus(replay, "/user/admin/api/status"));
    HttpResponse<String> page = replay.navigate("/user/admin/tree");
    assertEquals(302, page.statusCode());
    assertTrue(page.headers().firstValue("Location").orElse("").startsWith("/hub/login"), page.headers().toString());
  }

  @Test
  void aLoggedOutCookieIsRefusedByTheHubAndTheRouterAlsoAfterARestart() throws Exception {
    HubClient browser = loggedIn();
    HubClient otherDevice = loggedIn();
    String cookie = browser.cookie(COOKIE);
    assertEquals(200, apiStatus(replaying(cookie), "/hub/api/user"));
    assertNotEquals(401, apiStatus(replaying(cookie), "/user/admin/api/status"));

    HttpResponse<String> form = browser.get("/hub/logout");
    assertEquals(200, form.statusCode());
    assertTrue(form.body().contains("action=\"/hub/logout\""), form.body());
    assertEquals(200, apiStatus(replaying(cookie), "/hub/api/user"), "a GET logs nobody out");

    String xsrf = URLEncoder.encode(browser.cookie("XSRF-TOKEN"), StandardCharsets.UTF_8);
    HttpResponse<String> out = browser.send(browser.request("/hub/logout").header("Content-Type", "application/x-www-form-urlencoded")
      .POST(HttpRequest.BodyPublishers.ofString("X-XSRF-TOKEN=" + xsrf)).build());
    assertEquals(302, out.statusCode(), out.body());
    assertEquals("/hub/login", out.headers().firstValue("Location").orElse(null));
    assertNull(browser.cookie(COOKIE), "the browser's cookie is cleared");

    assertRefused(cookie);
    assertEquals(200, apiStatus(otherDevice, "/hub/api/user"), "another session of the same user goes on");

    wharf.restart();
    assertRefused(cookie);
    assertEquals(200, apiStatus(otherDevice, "/hub/api/user"), "and still does after the restart");
  }
}
