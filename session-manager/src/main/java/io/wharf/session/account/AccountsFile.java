package io.wharf.session.account;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wharf.session.store.Account;
import io.wharf.session.store.AccountRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The {@code accounts.json} that each instance mirrored the accounts to before the database
 * kept them. At the first start with the database, its accounts that the database lacks are
 * added (with new ids), and the file is renamed {@code accounts.json.migrated}, so it is never
 * read again: a file left on an instance that was down could otherwise bring back accounts
 * deleted meanwhile. A start that fails halfway simply does it again.
 */
public final class AccountsFile {

  private static final Logger log = LoggerFactory.getLogger(AccountsFile.class);

  private AccountsFile() {
  }

  /** @return how many accounts were added; 0 when there is no file */
  public static Future<Integer> migrate(Vertx vertx, Path file, AccountRecords records) {
    return vertx.executeBlocking(() -> Files.exists(file) ? new JsonArray(Files.readString(file, StandardCharsets.UTF_8)) : null, false)
      .compose(json -> json == null ? Future.succeededFuture(0) : records.all().compose(existing -> {
        Set<String> names = existing.stream().map(Account::name).collect(Collectors.toSet());
        List<Account> missing = json.stream().map(JsonObject.class::cast)
          .filter(a -> !names.contains(a.getString("name")))
          .map(a -> new Account(UUID.randomUUID().toString(), a.getString("name"), a.getBoolean("admin", false),
            a.getString("password"), a.getLong("created", 0L)))
          .toList();
        return Future.all(missing.stream().map(records::insert).toList()).map(missing.size());
      }).compose(added -> vertx.executeBlocking(() -> {
        Files.move(file, file.resolveSibling(file.getFileName() + ".migrated"), StandardCopyOption.ATOMIC_MOVE);
        log.info("Moved {} accounts from {} into the database; the file is now {}.migrated", added, file, file.getFileName());
        return added;
      }, false)));
  }
}
