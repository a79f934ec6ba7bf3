package io.wharf.session.account;

import io.wharf.session.Secrets;
import io.wharf.session.SharedState;
import io.wharf.session.TokenAccess;
import io.wharf.session.store.Account;
import io.wharf.session.store.ApiToken;
import io.wharf.session.testing.InMemoryState;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StoredTokenAccessTest {

  private final SharedState state = new InMemoryState().shared();
  private final TokenAccess access = new StoredTokenAccess(state.tokens(), state.accounts());

  private String token(Account owner, long expiresAt, String... scopes) {
    String secret = Secrets.randomHex(32);
    state.tokens().saveToken(new ApiToken("id", owner.name(), owner.id(), Secrets.sha256Hex(secret), Set.of(scopes), "", 0, expiresAt));
    return Secrets.sha256Hex(secret);
  }

  @Test
  void aTokenGrantsWhatItHoldsWithinItsOwnersCurrentScopes() {
    Account alice = new Account("a1", "alice", false, null, 0);
    state.accounts().saveAccount(alice);
    String hash = token(alice, 42, "access:servers!user=bob", "access:servers!user=alice");
    TokenAccess.Grant grant = access.grant(hash).result();
    assertEquals(new TokenAccess.Grant("alice", false, Set.of("access:servers!user=alice"), 42), grant,
      "a user does not hold another user's servers, so neither does their token");

    state.accounts().saveAccount(new Account("a1", "alice", true, null, 0));
    TokenAccess.Grant promoted = access.grant(hash).result();
    assertTrue(promoted.admin(), "made an admin since the token was issued");
    assertEquals(Set.of("access:servers!user=bob", "access:servers!user=alice"), promoted.scopes());
  }

  @Test
  void aTokenWithoutScopesInheritsItsOwnersAccessToTheirOwnServers() {
    Account alice = new Account("a1", "alice", false, null, 0);
    state.accounts().saveAccount(alice);
    assertTrue(access.grant(token(alice, 0, "inherit")).result().scopes().contains("access:servers!user=alice"));
    assertFalse(access.grant(token(alice, 0, "read:users")).result().scopes().contains("access:servers!user=alice"));
  }

  @Test
  void aRevokedOrUnknownTokenGrantsNothing() {
    Account alice = new Account("a1", "alice", false, null, 0);
    state.accounts().saveAccount(alice);
    String hash = token(alice, 0);
    state.tokens().removeToken(hash);
    assertNull(access.grant(hash).result());
    assertNull(access.grant(Secrets.sha256Hex("never issued")).result());
  }

  @Test
  void aTokenOfADeletedAccountGrantsNothingEvenToANewAccountOfTheSameName() {
    Account alice = new Account("a1", "alice", false, null, 0);
    state.accounts().saveAccount(alice);
    String hash = token(alice, 0);
    state.accounts().removeAccount("alice");
    assertNull(access.grant(hash).result());
    state.accounts().saveAccount(new Account("a2", "alice", false, null, 0));
    assertNull(access.grant(hash).result());
  }
}
