package io.wharf.session.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.wharf.session.StoreOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@link JdbcStore} must do on every database it supports. Each class opens one store on
 * a fresh, empty database, which the migrations bring to the current schema; each test starts
 * with its tables emptied.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class JdbcStoreContract {

  Path dataDir;
  Vertx vertx;
  StoreOptions options;
  JdbcStore store;

  /** Options naming a fresh, empty database. */
  abstract StoreOptions freshDatabase() throws Exception;

  /** Drops what {@link #freshDatabase} made. */
  abstract void dropDatabase(StoreOptions options) throws Exception;

  @BeforeAll
  void open() throws Exception {
    dataDir = Files.createTempDirectory("wharf-store-test");
    vertx = Vertx.vertx();
    options = freshDatabase();
    store = await(JdbcStore.open(vertx, options, dataDir));
  }

  @BeforeEach
  void empty() throws Exception {
    await(store.call(connection -> {
      connection.createStatement().executeUpdate("DELETE FROM api_tokens");
      connection.createStatement().executeUpdate("DELETE FROM session_revocations");
      connection.createStatement().executeUpdate("DELETE FROM usage_runs");
      return connection.createStatement().executeUpdate("DELETE FROM accounts");
    }));
  }

  @AfterAll
  void close() throws Exception {
    await(vertx.close());
    dropDatabase(options);
    try (Stream<Path> files = Files.walk(dataDir)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
  }

  static <T> T await(Future<T> future) throws Exception {
    try {
      return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  static Account account(String name) {
    return new Account(UUID.randomUUID().toString(), name, false, "pbkdf2-sha256$1000$salt$hash", 1_700_000_000_000L);
  }

  static ApiToken token(Account owner, String hash) {
    return new ApiToken("id-" + hash, owner.name(), owner.id(), hash, Set.of("servers", "read:users"), "a note", 1_700_000_000_001L, 0);
  }

  @Test
  void theMigrationsCreateTheSchemaAtItsCurrentVersion() throws Exception {
    try (Connection connection = StoreDatabases.connect(options, dataDir);
         ResultSet history = connection.createStatement().executeQuery(
           "SELECT version, success FROM flyway_schema_history WHERE version IS NOT NULL ORDER BY installed_rank")) {
      for (String version : List.of("1", "2", "3", "4", "5", "6", "7", "8", "9")) {
        assertTrue(history.next());
        assertEquals(version, history.getString(1));
        assertTrue(history.getBoolean(2));
      }
      assertFalse(history.next(), "every migration so far");
    }
    assertEquals(List.of(), await(store.accounts().all()));
    assertEquals(List.of(), await(store.tokens().all()));
    assertEquals(List.of(), await(store.revocations().current(0)));
    assertEquals(List.of(), await(store.groups().all()));
  }

  static UsageRun run(String accountId, String container, long startedAt) {
    return new UsageRun(accountId, "ann", "lab", "small", "i-1", container, startedAt, 0, null);
  }

  @Test
  void aUsageRunIsOpenedOnceClosedOnceAndOutlivesItsAccount() throws Exception {
    Account ann = account("ann");
    await(store.accounts().insert(ann));
    await(store.usage().opened(run(ann.id(), "c-1", 1_000)));
    await(store.usage().opened(run(ann.id(), "c-1", 5_000)));
    assertEquals(List.of(run(ann.id(), "c-1", 1_000)), await(store.usage().runsOf(ann.id(), 0, Long.MAX_VALUE)),
      "a re-adopted run keeps the row it opened");

    await(store.usage().closed(ann.id(), "lab", "c-1", 61_000, "culled"));
    await(store.usage().closed(ann.id(), "lab", "c-1", 99_000, "stopped"));
    UsageRun closed = new UsageRun(ann.id(), "ann", "lab", "small", "i-1", "c-1", 1_000, 61_000, "culled");
    assertEquals(List.of(closed), await(store.usage().runsOf(ann.id(), 0, Long.MAX_VALUE)), "the first close stands");

    assertTrue(await(store.accounts().delete(ann.id())));
    assertEquals(List.of(closed), await(store.usage().runsOf(ann.id(), 0, Long.MAX_VALUE)), "kept for accounting");
    Account again = account("ann");
    await(store.accounts().insert(again));
    assertEquals(List.of(), await(store.usage().runsOf(again.id(), 0, Long.MAX_VALUE)), "a new account of the name sees none");
  }

  @Test
  void usageRunsAreFoundByTheWindowTheyOverlapAndLostOnesAreClosed() throws Exception {
    await(store.usage().opened(run("a", "c-1", 1_000)));
    await(store.usage().closed("a", "lab", "c-1", 2_000, "stopped"));
    await(store.usage().opened(run("a", "c-2", 3_000)));
    await(store.usage().opened(run("a", "c-3", 4_000)));
    await(store.usage().opened(new UsageRun("a", "ann", "x", "", "i-2", "c-4", 4_500, 0, null)));

    assertEquals(List.of("c-2", "c-3", "c-4"),
      await(store.usage().runsOf("a", 2_000, Long.MAX_VALUE)).stream().map(UsageRun::containerId).toList());
    assertEquals(List.of("c-1"), await(store.usage().runsOf("a", 0, 3_000)).stream().map(UsageRun::containerId).toList());

    assertEquals(1, await(store.usage().closeLost("i-1", List.of("c-3"), 9_000)));
    List<UsageRun> runs = await(store.usage().runsOf("a", 0, Long.MAX_VALUE));
    assertEquals("lost", runs.get(1).reason());
    assertEquals(9_000, runs.get(1).stoppedAt());
    assertTrue(runs.get(2).open(), "its container is still there");
    assertTrue(runs.get(3).open(), "another instance's run");
  }

  @Test
  void groupsKeepTheirMembersAndPropertiesAndLoseDeletedAccounts() throws Exception {
    Account ann = account("ann");
    Account bob = account("bob");
    await(store.accounts().insert(ann));
    await(store.accounts().insert(bob));
    await(store.groups().insert(new Group("lab", Set.of(ann.id()), "{}", 1L)));
    assertInstanceOf(NameTakenException.class,
      assertThrows(Exception.class, () -> await(store.groups().insert(new Group("lab", Set.of(), "{}", 2L)))));
    assertTrue(await(store.groups().members("lab", Set.of(bob.id(), ann.id()), Set.of())));
    assertTrue(await(store.groups().properties("lab", "{\"room\":\"B2\"}")));
    assertEquals(List.of(new Group("lab", Set.of(ann.id(), bob.id()), "{\"room\":\"B2\"}", 1L)), await(store.groups().all()));
    assertTrue(await(store.groups().members("lab", Set.of(), Set.of(ann.id()))));
    assertTrue(await(store.accounts().delete(bob.id())));
    assertEquals(Set.of(), await(store.groups().all()).get(0).memberIds(), "a deleted account leaves its groups");
    assertFalse(await(store.groups().members("nope", Set.of(ann.id()), Set.of())));
    assertTrue(await(store.groups().delete("lab")));
    assertFalse(await(store.groups().delete("lab")));
  }

  @Test
  void aLinkedAccountIsFoundByItsIssuerAndSubjectUntilItIsDeleted() throws Exception {
    Account olga = new Account(UUID.randomUUID().toString(), "olga", false, null, 7);
    await(store.identities().insertLinked(olga, "https://id.example", "sub-1"));
    assertEquals(List.of(olga), await(store.accounts().all()));
    assertEquals(olga.id(), await(store.identities().accountOf("https://id.example", "sub-1")));
    assertEquals(null, await(store.identities().accountOf("https://other.example", "sub-1")), "the subject of another issuer");
    assertEquals(null, await(store.identities().accountOf("https://id.example", "sub-2")));

    await(store.accounts().delete(olga.id()));
    assertEquals(null, await(store.identities().accountOf("https://id.example", "sub-1")), "the link went with the account");
  }

  @Test
  void aLinkedAccountWhoseNameIsTakenLeavesNeitherAccountNorLink() throws Exception {
    Account local = account("pia");
    await(store.accounts().insert(local));
    Account linked = new Account(UUID.randomUUID().toString(), "pia", false, null, 7);
    Exception refused = assertThrows(Exception.class, () -> await(store.identities().insertLinked(linked, "https://id.example", "s")));
    assertInstanceOf(NameTakenException.class, refused);
    assertEquals(List.of(local), await(store.accounts().all()));
    assertEquals(null, await(store.identities().accountOf("https://id.example", "s")));
  }

  @Test
  void revocationsComeBackUntilEveryCookieTheyRefuseHasExpired() throws Exception {
    Revocation session = new Revocation("session:s1", 1_000, 5_000);
    Revocation account = new Revocation("account:" + UUID.randomUUID(), 2_000, 9_000);
    await(store.revocations().save(session));
    await(store.revocations().save(account));
    assertEquals(Set.of(session, account), Set.copyOf(await(store.revocations().current(4_999))));
    assertEquals(List.of(account), await(store.revocations().current(5_000)));

    assertEquals(1, await(store.revocations().purge(5_000)));
    assertEquals(List.of(account), await(store.revocations().current(0)));
  }

  @Test
  void aKeyRevokedAgainKeepsTheLaterTimes() throws Exception {
    String key = "account:" + UUID.randomUUID();
    await(store.revocations().save(new Revocation(key, 2_000, 9_000)));
    await(store.revocations().save(new Revocation(key, 1_000, 8_000)));
    assertEquals(List.of(new Revocation(key, 2_000, 9_000)), await(store.revocations().current(0)));
    await(store.revocations().save(new Revocation(key, 3_000, 10_000)));
    assertEquals(List.of(new Revocation(key, 3_000, 10_000)), await(store.revocations().current(0)));
  }

  @Test
  void anAccountsRevocationOutlivesTheAccount() throws Exception {
    Account nina = account("nina");
    await(store.accounts().insert(nina));
    Revocation all = new Revocation("account:" + nina.id(), 1_000, Long.MAX_VALUE);
    await(store.revocations().save(all));
    await(store.accounts().delete(nina.id()));
    assertEquals(List.of(all), await(store.revocations().current(0)));
  }

  @Test
  void whatWasCommittedIsThereAfterTheStoreIsOpenedAgain() throws Exception {
    Account alice = account("alice");
    await(store.accounts().insert(alice));
    await(store.tokens().insert(token(alice, "h1")));
    await(vertx.close());

    vertx = Vertx.vertx();
    store = await(JdbcStore.open(vertx, options, dataDir));
    assertEquals(List.of(alice), await(store.accounts().all()));
    assertEquals(List.of(token(alice, "h1")), await(store.tokens().all()));
  }

  @Test
  void accountsComeBackAsTheyWereInsertedSortedByName() throws Exception {
    Account bob = new Account("b-id", "bob", true, null, 5);
    Account alice = account("alice");
    await(store.accounts().insert(bob));
    await(store.accounts().insert(alice));
    assertEquals(List.of(alice, bob), await(store.accounts().all()));
  }

  @Test
  void aTakenNameIsRefusedAndTheFirstAccountStays() throws Exception {
    Account first = account("carol");
    await(store.accounts().insert(first));
    Exception refused = assertThrows(Exception.class, () -> await(store.accounts().insert(account("carol"))));
    assertInstanceOf(NameTakenException.class, refused);
    assertEquals(List.of(first), await(store.accounts().all()));
  }

  @Test
  void anUpdateChangesTheAdminFlagAndPasswordOfThatIdOnly() throws Exception {
    Account dave = account("dave");
    Account erin = account("erin");
    await(store.accounts().insert(dave));
    await(store.accounts().insert(erin));
    Account changed = new Account(dave.id(), "dave", true, "new-hash", dave.createdAt());
    assertTrue(await(store.accounts().update(changed)));
    assertEquals(List.of(changed, erin), await(store.accounts().all()));
    assertFalse(await(store.accounts().update(account("nobody"))), "no account has that id");
  }

  @Test
  void deletingAnAccountDeletesItsTokensAndNothingElse() throws Exception {
    Account frank = account("frank");
    Account gina = account("gina");
    await(store.accounts().insert(frank));
    await(store.accounts().insert(gina));
    await(store.tokens().insert(token(frank, "f1")));
    await(store.tokens().insert(token(frank, "f2")));
    await(store.tokens().insert(token(gina, "g1")));

    assertTrue(await(store.accounts().delete(frank.id())));
    assertEquals(List.of(gina), await(store.accounts().all()));
    assertEquals(List.of(token(gina, "g1")), await(store.tokens().all()));
    assertFalse(await(store.accounts().delete(frank.id())), "already gone");
  }

  @Test
  void aNameCanBeTakenAgainByANewAccountThatGetsNoneOfTheOldTokens() throws Exception {
    Account old = account("henry");
    await(store.accounts().insert(old));
    await(store.tokens().insert(token(old, "h-old")));
    await(store.accounts().delete(old.id()));
    Account fresh = account("henry");
    await(store.accounts().insert(fresh));
    assertEquals(List.of(fresh), await(store.accounts().all()));
    assertEquals(List.of(), await(store.tokens().all()));
  }

  @Test
  void tokensComeBackWithTheirOwnersNameScopesAndTimes() throws Exception {
    Account ivy = account("ivy");
    await(store.accounts().insert(ivy));
    ApiToken expiring = new ApiToken("short", "ivy", ivy.id(), "i1", Set.of("tokens"), "", 10, 20);
    ApiToken none = new ApiToken("bare", "ivy", ivy.id(), "i2", Set.of(), "no scopes", 11, 0);
    await(store.tokens().insert(expiring));
    await(store.tokens().insert(none));
    List<ApiToken> all = await(store.tokens().all());
    assertEquals(2, all.size());
    assertTrue(all.containsAll(List.of(expiring, none)), all::toString);
  }

  @Test
  void aTokenOfAnAccountThatDoesNotExistIsRefused() throws Exception {
    assertThrows(SQLException.class, () -> await(store.tokens().insert(token(account("ghost"), "x1"))));
    assertEquals(List.of(), await(store.tokens().all()));
  }

  @Test
  void aTokenIsDeletedByItsHashOnce() throws Exception {
    Account jack = account("jack");
    await(store.accounts().insert(jack));
    await(store.tokens().insert(token(jack, "j1")));
    await(store.tokens().insert(token(jack, "j2")));
    assertTrue(await(store.tokens().delete("j1")));
    assertFalse(await(store.tokens().delete("j1")));
    assertEquals(List.of(token(jack, "j2")), await(store.tokens().all()));
  }

  @Test
  void deletingTheTokensOfAnAccountLeavesTheAccountAndOthersTokens() throws Exception {
    Account kate = account("kate");
    Account liam = account("liam");
    await(store.accounts().insert(kate));
    await(store.accounts().insert(liam));
    await(store.tokens().insert(token(kate, "k1")));
    await(store.tokens().insert(token(kate, "k2")));
    await(store.tokens().insert(token(liam, "l1")));
    assertEquals(2, await(store.tokens().deleteOwnedBy(kate.id())));
    assertEquals(0, await(store.tokens().deleteOwnedBy(kate.id())));
    assertEquals(List.of(kate, liam), await(store.accounts().all()));
    assertEquals(List.of(token(liam, "l1")), await(store.tokens().all()));
  }

  @Test
  void callsRunOnTheStoresOwnWorkersAndAnswerOnTheCallersContext() throws Exception {
    Future<String> thread = vertx.<Future<String>>executeBlocking(() -> null, false)
      .compose(v -> store.call(connection -> Thread.currentThread().getName()));
    assertTrue(await(thread).startsWith("wharf-store"), "ran on " + await(thread));
    String[] answeredOn = new String[1];
    await(Future.<Void>future(p -> vertx.runOnContext(v -> store.call(connection -> 1)
      .onComplete(ar -> {
        answeredOn[0] = Thread.currentThread().getName();
        p.complete();
      }))));
    assertTrue(answeredOn[0].startsWith("vert.x-eventloop"), "answered on " + answeredOn[0]);
  }

  @Test
  void aFailedCallCommitsNothing() throws Exception {
    Account mia = account("mia");
    assertThrows(SQLException.class, () -> await(store.call(connection -> {
      try (var insert = connection.prepareStatement("INSERT INTO accounts (id, name, is_admin, created_at) VALUES (?, ?, false, 0)")) {
        insert.setString(1, mia.id());
        insert.setString(2, mia.name());
        insert.executeUpdate();
      }
      throw new SQLException("after the insert");
    })));
    assertEquals(List.of(), await(store.accounts().all()));
  }
}
