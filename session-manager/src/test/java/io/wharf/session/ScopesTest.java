package io.wharf.session;

import io.wharf.session.store.Account;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScopesTest {

  private static final Account ALICE = new Account("a1", "alice", false, "h", 0);
  private static final Account ROOT = new Account("r1", "root", true, "h", 0);

  private static Scopes.Caller token(Account owner, String... scopes) {
    Set<String> owned = Scopes.grantable(owner);
    return new Scopes.Caller(owner.name(), owner, Scopes.intersect(Scopes.expand(Set.of(scopes), owner.name(), owned), owned),
      false, "t", user -> Map.of("bob", Set.of("lab")).getOrDefault(user, Set.of()));
  }

  @Test
  void aUserActsOnlyOnThemself() {
    Scopes.Caller alice = new Scopes.Caller(ALICE, true);
    assertTrue(alice.may(Scopes.SERVERS, "alice"));
    assertTrue(alice.may(Scopes.READ_USERS, "alice"));
    assertTrue(alice.may(Scopes.ACCESS_SERVERS, "alice"));
    assertFalse(alice.may(Scopes.SERVERS, "bob"));
    assertFalse(alice.may(Scopes.READ_USERS, "bob"));
    assertFalse(alice.may(Scopes.ADMIN_USERS, "alice"));
    assertFalse(alice.may(Scopes.LIST_USERS, "alice"), "self does not include listing users, as in JupyterHub");
    assertFalse(alice.may(Scopes.READ_METRICS, null));
  }

  @Test
  void anAdminActsOnEveryone() {
    Scopes.Caller root = new Scopes.Caller(ROOT, true);
    for (String scope : List.of(Scopes.SERVERS, Scopes.ADMIN_USERS, Scopes.LIST_USERS, Scopes.DELETE_SERVERS, Scopes.READ_TOKENS,
      Scopes.ADMIN_GROUPS, Scopes.PROXY, Scopes.SHUTDOWN, Scopes.READ_HUB)) {
      assertTrue(root.may(scope, "bob"), scope);
      assertTrue(root.may(scope), scope);
    }
    assertTrue(root.may(Scopes.READ_METRICS, null));
  }

  @Test
  void aScopeImpliesItsSubscopesWithItsFilter() {
    Set<String> expanded = Scopes.expand(Set.of("servers!user=bob"), "alice", Set.of());
    assertEquals(Set.of("servers!user=bob", "read:servers!user=bob", "delete:servers!user=bob", "read:users:name!user=bob"), expanded);
    assertTrue(Scopes.expand(Set.of(Scopes.ADMIN_USERS), null, Set.of()).containsAll(
      List.of(Scopes.USERS, Scopes.READ_USERS, Scopes.LIST_USERS, Scopes.DELETE_USERS, Scopes.READ_USERS_ACTIVITY)));
  }

  @Test
  void aTokenIsLimitedToItsScopesEvenForAnAdmin() {
    Scopes.Caller metricsOnly = token(ROOT, Scopes.READ_METRICS);
    assertTrue(metricsOnly.may(Scopes.READ_METRICS, null));
    assertFalse(metricsOnly.may(Scopes.SERVERS, "root"));
    assertFalse(metricsOnly.may(Scopes.ADMIN_USERS, "bob"));
  }

  @Test
  void aStoredUnfilteredScopeOfAUserMeansTheirOwn() {
    // Tokens made before the JupyterHub vocabulary hold bare names: still valid, on their owner only.
    Scopes.Caller old = token(ALICE, Scopes.SERVERS, Scopes.READ_USERS, Scopes.TOKENS);
    assertTrue(old.may(Scopes.SERVERS, "alice"));
    assertTrue(old.may(Scopes.DELETE_SERVERS, "alice"));
    assertTrue(old.may(Scopes.READ_TOKENS, "alice"));
    assertFalse(old.may(Scopes.SERVERS, "bob"));
    assertFalse(old.may(Scopes.SERVERS));
  }

  @Test
  void aScopeHeldByATokenOfAUserWhoLostAdminNoLongerCounts() {
    Scopes.Caller demoted = token(ALICE, Scopes.ADMIN_USERS, Scopes.SERVERS);
    assertFalse(demoted.may(Scopes.ADMIN_USERS, "bob"));
    assertTrue(demoted.may(Scopes.SERVERS, "alice"));
  }

  @Test
  void filtersNarrowAScopeToAUserAServerOrAGroup() {
    Scopes.Caller root = token(ROOT, "read:users!group=lab", "servers!server=carol/gpu", "access:servers!user=dan");
    assertTrue(root.may(Scopes.READ_USERS, "bob"), "bob is in lab");
    assertFalse(root.may(Scopes.READ_USERS, "carol"));
    assertTrue(root.mayOnServer(Scopes.SERVERS, "carol", "gpu"));
    assertFalse(root.mayOnServer(Scopes.SERVERS, "carol", ""));
    assertTrue(root.mayOnServer(Scopes.DELETE_SERVERS, "carol", "gpu"), "a subscope keeps the filter");
    assertTrue(root.may(Scopes.ACCESS_SERVERS, "dan"));
    assertTrue(root.mayAny(Scopes.READ_USERS));
    assertFalse(root.may(Scopes.READ_USERS));
  }

  @Test
  void inheritIsEverythingTheOwnerHolds() {
    Scopes.Caller inherit = token(ALICE, Scopes.INHERIT);
    assertEquals(Scopes.grantable(ALICE), inherit.scopes());
  }

  @Test
  void unknownScopesAndMalformedFiltersAreRefused() {
    assertEquals("read:users!group=lab", Scopes.valid("read:users!group=lab"));
    assertEquals("servers!server=ann/gpu", Scopes.valid("servers!server=ann/gpu"));
    for (String bad : List.of("root", "servers!user=", "servers!server=ann", "servers!host=x", "inherit!user=ann", "read:users!user=a!b")) {
      assertThrows(IllegalArgumentException.class, () -> Scopes.valid(bad), bad);
    }
  }

  @Test
  void theDefaultRolesAreJupyterHubs() {
    assertEquals(Set.of("user", "admin", "server", "token"), Scopes.ROLES.keySet());
    assertEquals(List.of("admin", "user"), Scopes.roles(ROOT));
    assertEquals(Set.of(Scopes.INHERIT), Scopes.ofRoles(List.of("token")));
    assertThrows(IllegalArgumentException.class, () -> Scopes.ofRoles(List.of("wizard")));
  }
}
