package io.wharf.session.account;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wharf.session.store.Account;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.wharf.session.account.StoreFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The legacy {@code accounts.json}: moved into the database once, then set aside. */
class AccountsFileTest {

  private StoreFixture fixture;
  private Path file;

  @BeforeEach
  void open() throws Exception {
    fixture = new StoreFixture();
    file = fixture.dataDir.resolve("accounts.json");
  }

  @AfterEach
  void close() throws Exception {
    fixture.close();
  }

  private static JsonObject legacy(String name, boolean admin, String hash, long created) {
    return new JsonObject().put("name", name).put("admin", admin).put("password", hash).put("created", created);
  }

  @Test
  void theFilesAccountsMoveIntoTheDatabaseWithNewIdsAndTheFileIsRenamed() throws Exception {
    Files.writeString(file, new JsonArray().add(legacy("alice", false, "hash-a", 11)).add(legacy("root", true, "hash-r", 12)).encode());

    assertEquals(2, await(AccountsFile.migrate(fixture.vertx, file, fixture.store.accounts())));

    List<Account> accounts = await(fixture.store.accounts().all());
    assertEquals(List.of("alice", "root"), accounts.stream().map(Account::name).toList());
    assertEquals("hash-a", accounts.get(0).passwordHash(), "the hash moves as it was, so the password still works");
    assertTrue(accounts.get(1).admin());
    assertEquals(12, accounts.get(1).createdAt());
    assertNotEquals(accounts.get(0).id(), accounts.get(1).id());
    assertFalse(Files.exists(file), "never read again");
    assertTrue(Files.exists(fixture.dataDir.resolve("accounts.json.migrated")));
  }

  @Test
  void aNameTheDatabaseHasIsLeftAsTheDatabaseHasIt() throws Exception {
    Account kept = new Account("kept-id", "alice", true, "database-hash", 1);
    await(fixture.store.accounts().insert(kept));
    Files.writeString(file, new JsonArray().add(legacy("alice", false, "file-hash", 2)).add(legacy("bob", false, "hash-b", 3)).encode());

    assertEquals(1, await(AccountsFile.migrate(fixture.vertx, file, fixture.store.accounts())));
    List<Account> accounts = await(fixture.store.accounts().all());
    assertEquals(kept, accounts.get(0));
    assertEquals("bob", accounts.get(1).name());
  }

  @Test
  void withoutAFileNothingHappens() throws Exception {
    assertEquals(0, await(AccountsFile.migrate(fixture.vertx, file, fixture.store.accounts())));
    assertEquals(List.of(), await(fixture.store.accounts().all()));
    assertFalse(Files.exists(fixture.dataDir.resolve("accounts.json.migrated")));
  }
}
