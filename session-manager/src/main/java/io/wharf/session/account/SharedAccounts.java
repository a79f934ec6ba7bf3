package io.wharf.session.account;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wharf.session.store.Account;
import io.wharf.session.store.AccountStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accounts shared by the cluster ({@link AccountStore}) and mirrored by every instance into one
 * JSON file (mode 0600) under its data directory, so that they survive a restart of the whole
 * cluster: at start, the file's accounts join the shared ones. Writes replace the file
 * atomically, so a crash never leaves half an account list.
 */
public final class SharedAccounts implements Accounts {

  private static final Logger log = LoggerFactory.getLogger(SharedAccounts.class);

  private final Vertx vertx;
  private final AccountStore store;
  private final Path file;
  private final PasswordHasher hasher;
  private final HashingPool pool;
  // Compared against when the name is unknown, so a miss costs as much as a wrong password.
  private final String decoy;

  public SharedAccounts(Vertx vertx, AccountStore store, Path file, int iterations, HashingPool pool) throws IOException {
    this.vertx = vertx;
    this.store = store;
    this.file = file;
    this.hasher = new PasswordHasher(iterations);
    this.pool = pool;
    this.decoy = hasher.hash("decoy");
    if (Files.exists(file)) {
      for (Object o : new JsonArray(Files.readString(file, StandardCharsets.UTF_8))) {
        JsonObject json = (JsonObject) o;
        if (store.account(json.getString("name")) == null) {
          store.saveAccount(new Account(json.getString("name"), json.getBoolean("admin", false),
            json.getString("password"), json.getLong("created", 0L)));
        }
      }
    }
    store.onAccountsChanged(this::persistQuietly);
    persist();
  }

  @Override
  public Future<Account> authenticate(String name, String password) {
    Account account = name == null ? null : store.account(name);
    String hash = account == null ? decoy : account.passwordHash();
    return pool.check(() -> password != null && hasher.matches(password, hash))
      .compose(ok -> ok && account != null ? Future.succeededFuture(account) : Future.failedFuture("invalid username or password"));
  }

  @Override
  public Account find(String name) {
    return store.account(name);
  }

  @Override
  public Future<Account> save(String name, String password, boolean admin) {
    Future<String> newHash = password != null ? pool.hash(() -> hasher.hash(password)) : Future.succeededFuture(null);
    return newHash.compose(fresh -> vertx.executeBlocking(() -> {
      Account previous = store.account(name);
      String hash = fresh != null ? fresh : previous != null ? previous.passwordHash() : null;
      if (hash == null) {
        throw new IllegalArgumentException("a new account needs a password");
      }
      Account account = new Account(name, admin, hash, previous != null ? previous.createdAt() : System.currentTimeMillis());
      store.saveAccount(account);
      return account;
    }, false));
  }

  @Override
  public Future<Void> delete(String name) {
    return vertx.executeBlocking(() -> {
      store.removeAccount(name);
      return null;
    }, false);
  }

  @Override
  public List<Account> all() {
    return List.copyOf(store.accounts());
  }

  private void persistQuietly() {
    try {
      persist();
    } catch (IOException | UncheckedIOException e) {
      log.warn("Could not write " + file, e);
    }
  }

  private synchronized void persist() throws IOException {
    JsonArray array = new JsonArray();
    store.accounts().stream().sorted(Comparator.comparing(Account::name)).forEach(a -> array.add(new JsonObject()
      .put("name", a.name()).put("admin", a.admin()).put("password", a.passwordHash()).put("created", a.createdAt())));
    Files.createDirectories(file.getParent());
    Path tmp = Files.createTempFile(file.getParent(), "accounts", ".tmp",
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(tmp, array.encodePrettily(), StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
