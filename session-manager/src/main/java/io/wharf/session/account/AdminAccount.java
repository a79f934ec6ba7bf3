package io.wharf.session.account;

import io.vertx.core.Future;
import io.wharf.session.Secrets;
import io.wharf.session.store.Account;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The initial admin account: created at the first start, with a configured or generated password. */
public final class AdminAccount {

  private static final Logger log = LoggerFactory.getLogger(AdminAccount.class);

  private AdminAccount() {
  }

  /**
   * Creates {@code name} as an admin unless it exists; a configured {@code password} is applied
   * at every start (so an operator can reset it), an empty one is generated once and printed.
   */
  public static Future<Void> ensure(Accounts accounts, String name, String password) {
    Account existing = accounts.find(name);
    if (existing != null && password.isEmpty()) {
      return Future.succeededFuture();
    }
    boolean generated = password.isEmpty();
    String actual = generated ? Secrets.randomHex(12) : password;
    return accounts.save(name, actual, true).map(account -> {
      if (generated) {
        // Printed once, on the console rather than in the log: only its hash is kept.
        System.out.println("wharf: created admin account '" + name + "' with password " + actual);
      } else if (existing == null) {
        log.info("Created admin account '{}' from the configured password", name);
      }
      return null;
    });
  }
}
