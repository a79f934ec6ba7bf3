package io.wharf.router.impl;

import io.wharf.router.impl.NotebookAccess.Decision;
import io.wharf.session.TokenAccess.Grant;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static io.wharf.router.impl.NotebookAccess.decide;
import static org.junit.jupiter.api.Assertions.assertEquals;

class NotebookAccessTest {

  private static final long NOW = 1_000_000;

  private static Grant user(String name, String... scopes) {
    return new Grant(name, false, Set.of(scopes), 0);
  }

  private static Grant admin(String name, String... scopes) {
    return new Grant(name, true, Set.of(scopes), 0);
  }

  @Test
  void aUsersOwnTokenReachesTheirDefaultAndNamedServers() {
    assertEquals(Decision.ALLOWED, decide(user("alice", "read:users"), "alice", "", NOW));
    assertEquals(Decision.ALLOWED, decide(user("alice"), "alice", "lab", NOW));
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
    Grant expired = new Grant("alice", true, Set.of("access:servers"), NOW);
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
