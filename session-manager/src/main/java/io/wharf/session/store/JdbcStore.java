package io.wharf.session.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.wharf.session.StoreOptions;
import org.flywaydb.core.Flyway;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;

/**
 * The database behind {@link DurableStore}: an embedded H2 file under the data directory, or
 * PostgreSQL, through a HikariCP pool. JDBC blocks, so every call runs on a worker pool of its
 * own, as large as the connection pool: a slow database holds those threads, never an event
 * loop or Vert.x's shared workers. Each call is one transaction. The schema is brought up to
 * date by Flyway when the store opens (PostgreSQL serialises instances that start together).
 */
public final class JdbcStore implements DurableStore {

  /** Where the versioned migrations live; the same SQL for H2 and PostgreSQL. */
  static final String MIGRATIONS = "classpath:io/wharf/session/store/migration";

  /** One unit of database work, run inside a transaction. */
  @FunctionalInterface
  public interface SqlWork<T> {
    T run(Connection connection) throws SQLException;
  }

  private final HikariDataSource dataSource;
  private final WorkerExecutor executor;
  private final JdbcAccounts accounts = new JdbcAccounts(this);
  private final JdbcTokens tokens = new JdbcTokens(this);
  private final JdbcRevocations revocations = new JdbcRevocations(this);
  private final JdbcIdentities identities = new JdbcIdentities(this);
  private final JdbcHomeRemovals homeRemovals = new JdbcHomeRemovals(this);
  private final JdbcGroups groups = new JdbcGroups(this);
  private final JdbcUsage usage = new JdbcUsage(this);

  private JdbcStore(Vertx vertx, StoreOptions options, Path dataDir) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("wharf-store");
    config.setJdbcUrl(options.jdbcUrl(dataDir));
    config.setUsername(options.embedded() && options.user().isEmpty() ? "sa" : options.user());
    config.setPassword(options.password());
    config.setMaximumPoolSize(options.poolSize());
    config.setMinimumIdle(options.poolSize());
    config.setAutoCommit(false);
    // A database that does not answer fails a request within seconds (503), not after Hikari's 30.
    config.setConnectionTimeout(5_000);
    // At start, wait a little for a database that is itself starting, then refuse to start.
    config.setInitializationFailTimeout(10_000);
    this.dataSource = new HikariDataSource(config);
    try {
      // Flyway logs where the rest of the session manager does.
      Flyway.configure(JdbcStore.class.getClassLoader()).loggers("slf4j").dataSource(dataSource).locations(MIGRATIONS)
        .failOnMissingLocations(true).load().migrate();
    } catch (RuntimeException e) {
      dataSource.close();
      throw e;
    }
    this.executor = vertx.createSharedWorkerExecutor("wharf-store", options.poolSize(), 60, TimeUnit.SECONDS);
  }

  /**
   * Opens the database {@code options} name (creating or upgrading its schema) and keeps it open
   * until {@code vertx} closes.
   */
  public static Future<JdbcStore> open(Vertx vertx, StoreOptions options, Path dataDir) {
    return vertx.executeBlocking(() -> new JdbcStore(vertx, options, dataDir), false)
      .compose(store -> vertx.deployVerticle(new Closer(store)).map(store));
  }

  @Override
  public AccountRecords accounts() {
    return accounts;
  }

  @Override
  public TokenRecords tokens() {
    return tokens;
  }

  @Override
  public GroupRecords groups() {
    return groups;
  }

  @Override
  public RevocationRecords revocations() {
    return revocations;
  }

  @Override
  public IdentityRecords identities() {
    return identities;
  }

  @Override
  public HomeRemovalRecords homeRemovals() {
    return homeRemovals;
  }

  @Override
  public UsageRecords usage() {
    return usage;
  }

  /**
   * Runs {@code work} in a transaction on the store's workers; the future completes once it committed.
   * Public for the tables other modules keep in this database (functions' async calls).
   */
  public <T> Future<T> call(SqlWork<T> work) {
    return executor.executeBlocking(() -> transaction(work), false);
  }

  private <T> T transaction(SqlWork<T> work) throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      try {
        T result = work.run(connection);
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        try {
          connection.rollback();
        } catch (SQLException rollback) {
          e.addSuppressed(rollback);
        }
        throw e;
      }
    }
  }

  /** Closes the pool (and with the last connection, an embedded database's file). */
  Future<Void> close(Vertx vertx) {
    executor.close();
    return vertx.executeBlocking(() -> {
      dataSource.close();
      return null;
    }, false);
  }

  /** Ties the store's life to Vert.x's: undeployed, and so closed, when Vert.x closes. */
  private static final class Closer extends VerticleBase {
    private final JdbcStore store;

    Closer(JdbcStore store) {
      this.store = store;
    }

    @Override
    public Future<?> stop() {
      return store.close(vertx);
    }
  }
}
