package io.wharf.session.impl;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wharf.session.Account;
import io.wharf.session.Accounts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Accounts kept in memory and persisted to one JSON file (mode 0600) under the data directory.
 * Writes replace the file atomically, so a crash never leaves half an account list.
 */
public final class FileAccounts implements Accounts {

  private final Vertx vertx;
  private final Path file;
  private final PasswordHasher hasher;
  private final Map<String, Account> accounts = new ConcurrentHashMap<>();
  // Compared against when the name is unknown, so a miss costs as much as a wrong password.
  private final String decoy;

  public FileAccounts(Vertx vertx, Path file, int iterations) throws IOException {
    this.vertx = vertx;
    this.file = file;
    this.hasher = new PasswordHasher(iterations);
    this.decoy = hasher.hash("decoy");
    if (Files.exists(file)) {
      JsonArray array = new JsonArray(Files.readString(file, StandardCharsets.UTF_8));
      for (Object o : array) {
        JsonObject json = (JsonObject) o;
        Account account = new Account(json.getString("name"), json.getBoolean("admin", false),
          json.getString("password"), json.getLong("created", 0L));
        accounts.put(account.name(), account);
      }
    }
  }

  @Override
  public Future<Account> authenticate(String name, String password) {
    Account account = name == null ? null : accounts.get(name);
    String hash = account == null ? decoy : account.passwordHash();
    return vertx.executeBlocking(() -> password != null && hasher.matches(password, hash), false)
      .compose(ok -> ok && account != null ? Future.succeededFuture(account) : Future.failedFuture("invalid username or password"));
  }

  @Override
  public Account find(String name) {
    return accounts.get(name);
  }

  @Override
  public Future<Account> save(String name, String password, boolean admin) {
    return vertx.executeBlocking(() -> {
      Account previous = accounts.get(name);
      String hash = password != null ? hasher.hash(password) : previous != null ? previous.passwordHash() : null;
      if (hash == null) {
        throw new IllegalArgumentException("a new account needs a password");
      }
      Account account = new Account(name, admin, hash, previous != null ? previous.createdAt() : System.currentTimeMillis());
      synchronized (this) {
        accounts.put(name, account);
        persist();
      }
      return account;
    }, false);
  }

  @Override
  public Future<Void> delete(String name) {
    return vertx.executeBlocking(() -> {
      synchronized (this) {
        accounts.remove(name);
        persist();
      }
      return null;
    }, false);
  }

  @Override
  public List<Account> all() {
    return List.copyOf(accounts.values());
  }

  private void persist() throws IOException {
    JsonArray array = new JsonArray();
    accounts.values().stream().sorted((a, b) -> a.name().compareTo(b.name())).forEach(a -> array.add(new JsonObject()
      .put("name", a.name()).put("admin", a.admin()).put("password", a.passwordHash()).put("created", a.createdAt())));
    Files.createDirectories(file.getParent());
    Path tmp = Files.createTempFile(file.getParent(), "accounts", ".tmp",
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(tmp, array.encodePrettily(), StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
