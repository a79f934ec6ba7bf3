package io.wharf.session;

import io.vertx.core.json.JsonArray;
import io.wharf.session.store.Account;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScopesTest {

  private static final Account ALICE = new Account("a1", "alice", false, "h", 0);
  private static final Account ROOT = new Account("r1", "root", true, "h", 0);

  @Test
  void aUserActsOnlyOnThemself() {
    Scopes.Caller alice = new Scopes.Caller(ALICE, Scopes.grantable(ALICE), true);
    assertTrue(alice.may(Scopes.SERVERS, "alice"));
    assertTrue(alice.may(Scopes.READ_USERS, "alice"));
    assertFalse(alice.may(Scopes.SERVERS, "bob"));
    assertFalse(alice.may(Scopes.READ_USERS, "bob"));
    assertFalse(alice.may(Scopes.ADMIN_USERS, "alice"));
    assertFalse(alice.may(Scopes.READ_METRICS, null));
  }

  @Test
  void anAdminActsOnEveryone() {
    Scopes.Caller root = new Scopes.Caller(ROOT, Scopes.grantable(ROOT), true);
    assertTrue(root.may(Scopes.SERVERS, "bob"));
    assertTrue(root.may(Scopes.ADMIN_USERS, "bob"));
    assertTrue(root.may(Scopes.READ_METRICS, null));
  }

  @Test
  void aTokenIsLimitedToItsScopesEvenForAnAdmin() {
    Scopes.Caller metricsOnly = new Scopes.Caller(ROOT, Set.of(Scopes.READ_METRICS), false);
    assertTrue(metricsOnly.may(Scopes.READ_METRICS, null));
    assertFalse(metricsOnly.may(Scopes.SERVERS, "root"));
    assertFalse(metricsOnly.may(Scopes.ADMIN_USERS, "bob"));
  }

  @Test
  void aScopeHeldByATokenOfAUserWhoLostAdminNoLongerCounts() {
    Scopes.Caller demoted = new Scopes.Caller(ALICE, Set.of(Scopes.ADMIN_USERS, Scopes.SERVERS), false);
    assertFalse(demoted.may(Scopes.ADMIN_USERS, "bob"));
    assertTrue(demoted.may(Scopes.SERVERS, "alice"));
  }

  @Test
  void requestedScopesMustBeKnownAndHeld() {
    assertEquals(Scopes.USER, Scopes.requested(null, Scopes.USER));
    assertEquals(Scopes.USER, Scopes.requested(new JsonArray(), Scopes.USER));
    assertEquals(Set.of(Scopes.SERVERS), Scopes.requested(new JsonArray().add("servers"), Scopes.USER));
    assertThrows(IllegalArgumentException.class, () -> Scopes.requested(new JsonArray().add("admin:users"), Scopes.USER));
    assertThrows(IllegalArgumentException.class, () -> Scopes.requested(new JsonArray().add("root"), Scopes.ADMIN));
  }
}
