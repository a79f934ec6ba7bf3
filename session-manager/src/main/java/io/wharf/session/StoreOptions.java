package io.wharf.session;

import io.vertx.core.json.JsonObject;

import java.nio.file.Path;

import static io.wharf.config.ConfigValues.requiredInt;
import static io.wharf.config.ConfigValues.requiredString;

/**
 * Where accounts and API tokens are kept durably, from the {@code store} section.
 *
 * @param url      a PostgreSQL JDBC URL ({@code jdbc:postgresql://host:5432/wharf}); empty: an
 *                 embedded H2 database file under the data directory
 * @param poolSize connections in the pool, and threads that run the blocking JDBC calls
 */
public record StoreOptions(String url, String user, String password, int poolSize) {

  public static StoreOptions fromJson(JsonObject config) {
    String url = requiredString(config, "store.url").trim();
    if (!url.isEmpty() && !url.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException("store.url must be empty (an embedded database) or a jdbc:postgresql: URL, got '" + url + "'");
    }
    return new StoreOptions(url, requiredString(config, "store.user"), requiredString(config, "store.password"),
      requiredInt(config, "store.pool-size", 1, 100));
  }

  /** Whether the database is a file of this instance's own, rather than a shared server. */
  public boolean embedded() {
    return url.isEmpty();
  }

  /**
   * The JDBC URL to connect to. The embedded database runs in H2's PostgreSQL mode, so that one
   * set of migrations serves both, and with {@code WRITE_DELAY=0}: H2 otherwise writes commits
   * to its file up to half a second later, and a killed process loses what it had acknowledged.
   */
  public String jdbcUrl(Path dataDir) {
    if (!embedded()) {
      return url;
    }
    return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("wharf")
      + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0";
  }
}
