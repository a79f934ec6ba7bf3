package io.wharf.session.account;

import io.wharf.session.SharedState;
import io.wharf.session.store.Account;
import io.wharf.session.store.ApiToken;
import io.wharf.session.store.NameTakenException;
import io.wharf.session.testing.InMemoryState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;
import java.util.Set;

import static io.wharf.session.account.StoreFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The write path of accounts and tokens: the database first, then the cache, and a failure of
 * either leaves the two agreeing. One database for the class, emptied before each test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WriteThroughTest {

  private StoreFixture fixture;
  private InMemoryState memory;
  private SharedState cache;
  private DurableAccounts accounts;
  private WriteThroughTokens tokens;

  @BeforeAll
  void open() throws Exception {
    fixture = new StoreFixture();
  }

  @BeforeEach
  void empty() throws Exception {
    for (Account account : await(fixture.store.accounts().all())) {
      await(fixture.store.accounts().delete(account.id()));
    }
    memory = new InMemoryState();
    cache = memory.shared();
    accounts = new DurableAccounts(fixture.vertx, fixture.store.accounts(), cache.accounts(), cache.tokens(), 1000,
      new HashingPool(fixture.vertx, 1, 16));
    tokens = new WriteThroughTokens(fixture.store.tokens(), cache.tokens());
  }

  @AfterAll
  void close() throws Exception {
    fixture.close();
  }

  private static ApiToken token(Account owner, String hash) {
    return new ApiToken("id-" + hash, owner.name(), owner.id(), hash, Set.of("servers"), "", 1, 0);
  }

  @Test
  void aNewAccountIsInTheDatabaseAndTheCacheWithTheSameId() throws Exception {
    Account alice = await(accounts.save("alice", "alice-password", false));
    assertEquals(List.of(alice), await(fixture.store.accounts().all()));
    assertEquals(alice, cache.accounts().account("alice"));
    assertEquals(alice, await(accounts.authenticate("alice", "alice-password")));
  }

  @Test
  void savingAKnownNameKeepsItsIdAndCreationTime() throws Exception {
    Account first = await(accounts.save("bob", "bob-password", false));
    Account second = await(accounts.save("bob", null, true));
    assertEquals(first.id(), second.id());
    assertEquals(first.createdAt(), second.createdAt());
    assertEquals(first.passwordHash(), second.passwordHash(), "no new password: the old one stays");
    assertEquals(List.of(second), await(fixture.store.accounts().all()));
  }

  @Test
  void aNameTheDatabaseHasButTheCacheLacksIsRefusedAndNotCached() throws Exception {
    await(fixture.store.accounts().insert(new Account("other-id", "carol", false, "h", 1)));
    Exception refused = assertThrows(Exception.class, () -> await(accounts.save("carol", "carol-password", false)));
    assertInstanceOf(NameTakenException.class, refused);
    assertNull(cache.accounts().account("carol"));
  }

  @Test
  void deletingAnAccountDeletesItAndItsTokensInTheDatabaseAndTheCache() throws Exception {
    Account dave = await(accounts.save("dave", "dave-password", false));
    Account erin = await(accounts.save("erin", "erin-password", false));
    await(tokens.saveToken(token(dave, "d1")));
    await(tokens.saveToken(token(erin, "e1")));

    await(accounts.delete("dave"));
    assertEquals(List.of(erin), await(fixture.store.accounts().all()));
    assertEquals(List.of(token(erin, "e1")), await(fixture.store.tokens().all()));
    assertNull(cache.accounts().account("dave"));
    assertNull(await(cache.tokens().tokenByHash("d1")));
    assertEquals(token(erin, "e1"), await(cache.tokens().tokenByHash("e1")));
  }

  @Test
  void aReCreatedNameGetsANewId() throws Exception {
    Account old = await(accounts.save("finn", "finn-password", false));
    await(accounts.delete("finn"));
    Account fresh = await(accounts.save("finn", "finn-password", false));
    assertNotEquals(old.id(), fresh.id());
  }

  @Test
  void aTokenIsCachedOnlyAfterTheDatabaseTookIt() throws Exception {
    Account gina = await(accounts.save("gina", "gina-password", false));
    await(tokens.saveToken(token(gina, "g1")));
    assertEquals(List.of(token(gina, "g1")), await(fixture.store.tokens().all()));
    assertEquals(token(gina, "g1"), await(cache.tokens().tokenByHash("g1")));

    Account ghost = new Account("ghost-id", "ghost", false, "h", 1);
    assertThrows(Exception.class, () -> await(tokens.saveToken(token(ghost, "x1"))), "the database refuses an unknown account");
    assertNull(await(cache.tokens().tokenByHash("x1")), "so the cache never sees it");
  }

  @Test
  void aTokenTheCacheRefusesIsTakenBackOutOfTheDatabase() throws Exception {
    Account henry = await(accounts.save("henry", "henry-password", false));
    memory.failing(true);
    assertThrows(Exception.class, () -> await(tokens.saveToken(token(henry, "h1"))));
    memory.failing(false);
    assertEquals(List.of(), await(fixture.store.tokens().all()), "its secret was never shown: nothing to keep");
  }

  @Test
  void aRevokedTokenIsGoneFromTheDatabaseAndTheCache() throws Exception {
    Account ivy = await(accounts.save("ivy", "ivy-password", false));
    await(tokens.saveToken(token(ivy, "i1")));
    await(tokens.removeToken("i1"));
    assertEquals(List.of(), await(fixture.store.tokens().all()));
    assertNull(await(cache.tokens().tokenByHash("i1")));
  }
}
