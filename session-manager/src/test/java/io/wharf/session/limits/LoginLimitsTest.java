package io.wharf.session.limits;

import io.vertx.core.json.JsonObject;
import io.wharf.config.WharfConfig;
import io.wharf.session.RateLimitOptions;
import io.wharf.session.Secrets;
import io.wharf.session.testing.InMemoryRateLimits;
import io.wharf.session.testing.InMemoryState;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.wharf.session.testing.HubServerExtension.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The failed-login policy on its own: 3 failures per account, 5 per address, in a 60-second window. */
class LoginLimitsTest {

  private final InMemoryState state = new InMemoryState();
  private final InMemoryRateLimits buckets = state.rateLimits();
  private final LoginLimits limits = new LoginLimits(state.shared().rateLimits(), options(3, 5, 60));

  static RateLimitOptions options(int perAccount, int perAddress, int windowSeconds) {
    JsonObject config = WharfConfig.defaults();
    config.getJsonObject("auth").put("login-attempts-per-account", perAccount).put("login-attempts-per-address", perAddress)
      .put("login-window-seconds", windowSeconds);
    return RateLimitOptions.fromJson(config);
  }

  /** A login that fails: whether it was admitted (and then counted as a failure). */
  private boolean fail(String user, String address) {
    LoginLimits.Admission admission = await(limits.admit(user, address));
    if (admission.admitted()) {
      await(limits.failed(admission));
    }
    return admission.admitted();
  }

  private LoginLimits.Admission admit(String user, String address) {
    return await(limits.admit(user, address));
  }

  @Test
  void anAddressPastItsLimitIsRefusedOnEveryAccountUntilATokenComesBack() {
    for (int i = 0; i < 5; i++) {
      assertTrue(fail("user" + i, "192.0.2.1"), "failure " + i);
    }
    LoginLimits.Admission refused = admit("someone-else", "192.0.2.1");
    assertFalse(refused.admitted());
    // Five per minute come back one every 12 seconds.
    assertTrue(refused.retryAfterNanos() > TimeUnit.SECONDS.toNanos(11) && refused.retryAfterNanos() <= TimeUnit.SECONDS.toNanos(12),
      "retry after " + refused.retryAfterNanos());
    assertTrue(admit("someone-else", "192.0.2.2").admitted(), "another address is not affected");
    buckets.advance(Duration.ofSeconds(12));
    assertTrue(admit("someone-else", "192.0.2.1").admitted());
  }

  @Test
  void anAccountPastItsLimitRefusesTheAddressesThatFailedOnIt() {
    assertTrue(fail("alice", "192.0.2.1"));
    assertTrue(fail("alice", "192.0.2.1"));
    assertTrue(fail("alice", "192.0.2.2"));
    for (String address : new String[] {"192.0.2.1", "192.0.2.2"}) {
      LoginLimits.Admission refused = admit("alice", address);
      assertFalse(refused.admitted(), address);
      // The account's next token is 20 s away (3 per minute).
      assertTrue(refused.retryAfterNanos() <= TimeUnit.SECONDS.toNanos(20), "retry after " + refused.retryAfterNanos());
    }
    assertTrue(admit("bob", "192.0.2.1").admitted(), "other accounts are not affected");
  }

  @Test
  void aLockedAccountStillGivesAFreshAddressOneTry() {
    for (int i = 0; i < 3; i++) {
      assertTrue(fail("carol", "192.0.2.1"));
    }
    LoginLimits.Admission user = admit("carol", "198.51.100.7");
    assertTrue(user.admitted(), "an address that has not failed on the account gets its password checked");
    await(limits.succeeded(user));
    assertTrue(admit("carol", "198.51.100.7").admitted(), "a success does not use up the address's try");

    assertTrue(fail("carol", "203.0.113.5"), "an attacker's fresh address gets one guess");
    assertFalse(admit("carol", "203.0.113.5").admitted(), "and no second within the window");
    buckets.advance(Duration.ofSeconds(60));
    assertTrue(admit("carol", "203.0.113.5").admitted(), "after the window");
  }

  @Test
  void successesAndAbandonedChecksDoNotCount() {
    for (int i = 0; i < 20; i++) {
      LoginLimits.Admission admission = admit("dave", "192.0.2.9");
      assertTrue(admission.admitted(), "login " + i);
      await(i % 2 == 0 ? limits.succeeded(admission) : limits.abandoned(admission));
    }
    assertEquals(5L, buckets.available("login-address:192.0.2.9"));
    assertEquals(3L, buckets.available("login-account:dave"));
  }

  @Test
  void manyPeopleSigningInAtOnceFromOneAddressAreNotTurnedAway() {
    for (int i = 0; i < 20; i++) {
      assertTrue(admit("student" + i, "192.0.2.6").admitted(), "login " + i + " in flight");
    }
  }

  @Test
  void aBurstOfConcurrentGuessesFromOneAddressLeavesItInDebt() {
    List<LoginLimits.Admission> inFlight = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      inFlight.add(admit("target" + i, "192.0.2.7"));
    }
    assertTrue(inFlight.stream().allMatch(LoginLimits.Admission::admitted), "nothing had failed yet");
    inFlight.forEach(admission -> await(limits.failed(admission)));
    assertEquals(-3L, buckets.available("login-address:192.0.2.7"));
    LoginLimits.Admission refused = admit("target9", "192.0.2.7");
    assertFalse(refused.admitted());
    // Four tokens to refill at one every 12 s before the address may try again.
    assertTrue(refused.retryAfterNanos() > TimeUnit.SECONDS.toNanos(47) && refused.retryAfterNanos() <= TimeUnit.SECONDS.toNanos(48),
      "retry after " + refused.retryAfterNanos());
  }

  @Test
  void aRefusedLoginUsesUpNothing() {
    for (int i = 0; i < 3; i++) {
      assertTrue(fail("erin", "192.0.2.3"));
    }
    for (int i = 0; i < 10; i++) {
      assertFalse(admit("erin", "192.0.2.3").admitted());
    }
    assertEquals(2L, buckets.available("login-address:192.0.2.3"), "only the three failures count against the address");
  }

  @Test
  void aNameThatNoAccountCanHaveIsCountedUnderItsDigest() {
    String odd = "alice\u0000" + "x".repeat(500);
    assertTrue(fail(odd, "192.0.2.4"));
    assertNull(buckets.available("login-account:" + odd), "the typed name is not a key as it is");
    assertEquals(2L, buckets.available("login-account:#" + Secrets.sha256Hex(odd)));
    assertNull(buckets.available("login-account:alice"), "nor does it count against the real alice");
  }

  @Test
  void whenTheSharedStateFailsNoLoginIsAdmitted() {
    state.failing(true);
    assertTrue(limits.admit("frank", "192.0.2.5").toCompletionStage().toCompletableFuture().isCompletedExceptionally());
    state.failing(false);
    assertTrue(admit("frank", "192.0.2.5").admitted());
  }
}
