package io.wharf.session.hub;

import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wharf.session.account.HashingPool;
import io.wharf.session.testing.HubClient;
import io.wharf.session.testing.HubOptions;
import io.wharf.session.testing.HubReply;
import io.wharf.session.testing.HubServerExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code POST /hub/login} under the failed-login limits (3 per account, 5 per address, in a
 * minute) and a hashing pool of one thread and one waiting check. The test client stands behind a
 * trusted proxy, so {@code X-Forwarded-For} says which address each login comes from.
 */
class LoginLimitsHttpTest {

  @RegisterExtension
  static final HubServerExtension hub = new HubServerExtension(new HubOptions().auth(new JsonObject()
    .put("login-attempts-per-account", 3).put("login-attempts-per-address", 5).put("login-window-seconds", 60)
    .put("password-hash-threads", 1).put("password-hash-queue", 1)
    .put("trusted-proxies", new JsonArray().add("127.0.0.1"))));

  private static HubClient client;

  @BeforeAll
  static void users() {
    client = hub.client();
    List.of("alice", "bob", "carol", "dave").forEach(hub::user);
  }

  /** The login form as a script posts it, from {@code address}, with {@code next} unless null. */
  private static HubClient.Request login(String address, String user, String password, String next) {
    String token = client.xsrfToken();
    return client.post("/hub/login").cookie(HubClient.XSRF_COOKIE, token).header("X-Forwarded-For", address)
      .form("username", user, "password", password, HubClient.XSRF_HEADER, token, "next", next == null ? "" : next);
  }

  private static HubClient.Request login(String address, String user, String password) {
    return login(address, user, password, null);
  }

  private static HubReply wrong(String address, String user) {
    return login(address, user, "not-the-password").send().assertRedirect("/hub/login?error=invalid");
  }

  private static HubReply right(String address, String user) {
    return login(address, user, HubServerExtension.password(user)).send();
  }

  private static void assertLoggedIn(HubReply reply, String user) {
    reply.assertStatus(302);
    assertNotNull(reply.setCookie(HubOptions.COOKIE), "a session cookie for " + user);
  }

  @Test
  void anAddressPastItsLimitGets429WithRetryAfterAndNoPasswordCheck() {
    for (int i = 0; i < 5; i++) {
      wrong("192.0.2.10", "nobody" + i);
    }
    HubReply refused = right("192.0.2.10", "alice");
    assertEquals("too many failed logins; try again later", refused.assertError(429));
    assertEquals("12", refused.header("Retry-After"), "five a minute: one back every 12 seconds");
    assertNull(refused.setCookie(HubOptions.COOKIE), "not even the right password gets in from there");
    assertLoggedIn(right("192.0.2.11", "alice"), "alice");
  }

  @Test
  void aBrowserPastTheLimitIsSentBackToTheFormWithTheWait() {
    for (int i = 0; i < 5; i++) {
      wrong("192.0.2.12", "nobody" + i);
    }
    HubReply refused = login("192.0.2.12", "alice", "whatever", "/user/alice/tree").header("Sec-Fetch-Mode", "navigate").send();
    assertEquals("/hub/login?error=throttled&retry=12&next=%2Fuser%2Falice%2Ftree", refused.assertStatus(302).location());
    assertEquals("12", refused.header("Retry-After"));
  }

  @Test
  void aLockedAccountLetsItsUserInFromAnotherAddressAndTheGuessersAfterTheWindow() {
    wrong("192.0.2.20", "bob");
    wrong("192.0.2.20", "bob");
    wrong("192.0.2.21", "bob");
    HubReply locked = right("192.0.2.20", "bob");
    assertEquals(429, locked.status(), "the guessing address is refused, even with the right password");
    assertTrue(Long.parseLong(locked.header("Retry-After")) <= 20, "the account's next try is at most 20 s away");
    right("192.0.2.21", "bob").assertStatus(429);

    assertLoggedIn(right("198.51.100.1", "bob"), "bob");

    hub.state().rateLimits().advance(Duration.ofSeconds(60));
    assertLoggedIn(right("192.0.2.20", "bob"), "bob");
  }

  @Test
  void successfulLoginsNeverLockAnAccount() {
    for (int i = 0; i < 8; i++) {
      assertLoggedIn(right("192.0.2.30", "carol"), "carol");
    }
    wrong("192.0.2.30", "carol");
    assertLoggedIn(right("192.0.2.30", "carol"), "carol");
  }

  @Test
  void aFullHashingPoolAnswers503WithRetryAfterInsteadOfQueueing() throws Exception {
    // Holds the pool's one thread: of three checks, one runs when it is free, one waits, and the third is refused.
    CountDownLatch release = new CountDownLatch(1);
    WorkerExecutor sameThreads = hub.vertx().createSharedWorkerExecutor(HashingPool.NAME, 1);
    sameThreads.executeBlocking(() -> release.await(10, TimeUnit.SECONDS), false);
    try {
      List<CompletableFuture<HubReply>> logins = List.of("192.0.2.40", "192.0.2.41", "192.0.2.42").stream()
        .map(address -> CompletableFuture.supplyAsync(() -> login(address, "dave", "not-the-password").send())).toList();
      CompletableFuture.anyOf(logins.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
      HubReply busy = logins.stream().filter(CompletableFuture::isDone).findFirst().orElseThrow().get();
      assertEquals("too many sign-ins are being checked; try again shortly", busy.assertError(503));
      assertEquals("1", busy.header("Retry-After"));

      release.countDown();
      for (CompletableFuture<HubReply> login : logins) {
        HubReply reply = login.get(10, TimeUnit.SECONDS);
        if (reply != busy) {
          reply.assertRedirect("/hub/login?error=invalid");
        }
      }
    } finally {
      release.countDown();
      sameThreads.close();
    }
    assertLoggedIn(right("192.0.2.40", "dave"), "dave");
  }

  @Test
  void whenTheLimitsCannotBeReadALoginIsRefusedWith503() {
    hub.state().failing(true);
    assertEquals(503, right("192.0.2.50", "alice").status());
  }
}
