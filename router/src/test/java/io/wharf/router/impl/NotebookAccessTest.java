package io.wharf.router.impl;

import io.wharf.router.impl.NotebookAccess.Decision;
import io.wharf.session.Scopes;
import io.wharf.session.TokenAccess.Grant;
import io.wharf.session.store.Account;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static io.wharf.router.impl.NotebookAccess.decide;
import static org.junit.jupiter.api.Assertions.assertEquals;

class NotebookAccessTest {

  private static final long NOW = 1_000_000;

  private static Grant user(String name, String... scopes) {
    return grant(name, false, 0, scopes);
  }

  private static Grant admin(String name, String... scopes) {
    return grant(name, true, 0, scopes);
  }

  /** The grant the session manager gives for a token with these scopes (none: inherit), as the hub's API judges it. */
  private static Grant grant(String name, boolean admin, long expiresAt, String... scopes) {
    Account owner = new Account("id-" + name, name, admin, "", 0);
    Set<String> owned = Scopes.grantable(owner);
    Set<String> asked = scopes.length == 0 ? Set.of(Scopes.INHERIT) : Set.of(scopes);
    return new Grant(name, admin, Scopes.intersect(Scopes.expand(asked, name, owned), owned), expiresAt);
  }

  @Test
  void aUsersOwnTokenReachesTheirDefaultAndNamedServers() {
    assertEquals(Decision.ALLOWED, decide(user("alice"), "alice", "", NOW));
    assertEquals(Decision.ALLOWED, decide(user("alice"), "alice", "lab", NOW));
    assertEquals(Decision.ALLOWED, decide(user("alice", "access:servers"), "alice", "lab", NOW));
    assertEquals(Decision.ALLOWED, decide(user("alice", "self"), "alice", "", NOW));
  }

  @Test
  void aUsersOwnTokenWithoutAccessServersDoesNotReachTheirServer() {
    // As in JupyterHub: a token made for reading the API only does not drive the notebook.
    assertEquals(Decision.FORBIDDEN, decide(user("alice", "read:users"), "alice", "", NOW));
    assertEquals(Decision.FORBIDDEN, decide(user("alice", "servers", "tokens"), "alice", "", NOW));
  }

  @Test
  void anotherUsersTokenWithoutTheScopeIsForbidden() {
    assertEquals(Decision.FORBIDDEN, decide(user("bob", "servers", "read:users", "tokens"), "alice", "", NOW));
    assertEquals(Decision.FORBIDDEN, decide(admin("root", "servers", "read:users", "admin:users"), "alice", "", NOW));
  }

  @Test
  void anAdminsTokenWithAccessServersReachesEveryServer() {
    assertEquals(Decision.ALLOWED, decide(admin("root", "access:servers"), "alice", "", NOW));
    assertEquals(Decision.ALLOWED, decide(admin("root", "access:servers"), "bob", "lab", NOW));
    assertEquals(Decision.ALLOWED, decide(admin("root", "inherit"), "bob", "lab", NOW));
  }

  @Test
  void aUserFilterReachesOnlyThatUsersServers() {
    Grant grant = admin("root", "access:servers!user=alice");
    assertEquals(Decision.ALLOWED, decide(grant, "alice", "", NOW));
    assertEquals(Decision.ALLOWED, decide(grant, "alice", "lab", NOW));
    assertEquals(Decision.FORBIDDEN, decide(grant, "bob", "", NOW));
    assertEquals(Decision.FORBIDDEN, decide(grant, "alicex", "", NOW));
  }

  @Test
  void aGroupFilterDoesNotReachAServer() {
    Grant grant = admin("root", "access:servers!group=physics");
    assertEquals(true, grant.scopes().contains("access:servers!group=physics"), grant.scopes()::toString);
    assertEquals(Decision.FORBIDDEN, decide(grant, "alice", "", NOW));
    assertEquals(Decision.FORBIDDEN, decide(grant, "root", "", NOW), "the router does not resolve groups");
  }

  @Test
  void aServerFilterReachesOnlyThatServer() {
    Grant named = admin("root", "access:servers!server=alice/lab");
    assertEquals(Decision.ALLOWED, decide(named, "alice", "lab", NOW));
    assertEquals(Decision.FORBIDDEN, decide(named, "alice", "", NOW));
    assertEquals(Decision.FORBIDDEN, decide(named, "alice", "lab2", NOW));
    Grant defaultServer = admin("root", "access:servers!server=alice/");
    assertEquals(Decision.ALLOWED, decide(defaultServer, "alice", "", NOW));
    assertEquals(Decision.FORBIDDEN, decide(defaultServer, "alice", "lab", NOW));
  }

  @Test
  void aNonAdminsTokenNeverReachesAnotherUserWhateverItsScopes() {
    // JupyterHub intersects a token's scopes with its owner's; a Wharf user holds only their own servers.
    assertEquals(Decision.FORBIDDEN, decide(user("bob", "access:servers"), "alice", "", NOW));
    assertEquals(Decision.FORBIDDEN, decide(user("bob", "access:servers!user=alice"), "alice", "", NOW));
    assertEquals(Decision.FORBIDDEN, decide(user("bob", "access:servers!server=alice/"), "alice", "", NOW));
  }

  @Test
  void anExpiredTokenIsNoCredentialEvenForItsOwner() {
    Grant expired = grant("alice", true, NOW, "access:servers");
    assertEquals(Decision.UNAUTHENTICATED, decide(expired, "alice", "", NOW));
    assertEquals(Decision.UNAUTHENTICATED, decide(expired, "bob", "", NOW + 1));
    assertEquals(Decision.ALLOWED, decide(expired, "alice", "", NOW - 1));
  }

  @Test
  void noGrantMeansNoCredential() {
    // What the lookup answers for a revoked token, an unknown one, and one whose account was deleted.
    assertEquals(Decision.UNAUTHENTICATED, decide(null, "alice", "", NOW));
  }
}
