package io.wharf.router.impl;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.wharf.session.RouteTable;
import io.wharf.session.ServerRecord;
import io.wharf.session.SessionCookies;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/** When {@link FastPath} keeps a running server's record between requests, and when it reads the table again. */
class FastPathRoutesTest {

  private final Vertx vertx = Vertx.vertx();
  private final ContextInternal context = ((VertxInternal) vertx).getOrCreateContext();
  private final SessionCookies cookies = SessionCookies.create(List.of(new byte[32]), Duration.ofHours(1));
  private final String cookie = "wharf-session=" + cookies.issue("alice", "a1");

  /** A route table in a map, counting lookups; {@code tracked}: with a generation that every write moves. */
  private static final class CountingRoutes implements RouteTable {
    final Map<String, ServerRecord> records = new ConcurrentHashMap<>();
    final boolean tracked;
    long generation;
    int lookups;

    CountingRoutes(boolean tracked) {
      this.tracked = tracked;
    }

    @Override
    public Future<ServerRecord> get(String key) {
      lookups++;
      return Future.succeededFuture(records.get(key));
    }

    @Override
    public boolean hasNamedServer(String user, String server) {
      return false;
    }

    @Override
    public long generation() {
      return tracked ? generation : UNTRACKED;
    }

    void put(ServerRecord record) {
      records.put(record.key(), record);
      generation++;
    }
  }

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private FastPath fastPath(RouteTable routes) {
    CookieAuthenticator authenticator = new CookieAuthenticator(cookies, key -> null, 100);
    return new FastPath(authenticator, routes, "wharf-session", null, null, null, "X-Wharf-Instance", "i", false,
      1_000, 4, 1_000, 60);
  }

  private static ServerRecord running(int port) {
    long now = System.currentTimeMillis();
    return ServerRecord.pending("alice", "", "i", "token", now, "").ready("c", "127.0.0.1", port, now);
  }

  @Test
  void aRunningServersRecordIsReadOnceUntilTheTablesGenerationMoves() {
    CountingRoutes routes = new CountingRoutes(true);
    FastPath fast = fastPath(routes);
    ServerRecord first = running(1000);
    routes.put(first);
    assertSame(first, fast.route("/user/alice/api", cookie, context, new CookieAuthenticator.Memo()));
    assertSame(first, fast.route("/user/alice/tree", cookie, context, new CookieAuthenticator.Memo()));
    assertEquals(1, routes.lookups);

    ServerRecord moved = running(2000);
    routes.put(moved);
    assertSame(moved, fast.route("/user/alice/api", cookie, context, new CookieAuthenticator.Memo()), "the new record, at once");
    assertEquals(2, routes.lookups);

    routes.records.clear();
    routes.generation++;
    assertNull(fast.route("/user/alice/api", cookie, context, new CookieAuthenticator.Memo()), "gone");
    assertNull(fast.route("/user/alice/api", cookie, context, new CookieAuthenticator.Memo()));
    assertEquals(4, routes.lookups, "what is not running is read on every request");
  }

  @Test
  void aServerThatIsNotRunningIsNotKept() {
    CountingRoutes routes = new CountingRoutes(true);
    FastPath fast = fastPath(routes);
    long now = System.currentTimeMillis();
    routes.records.put("alice/", ServerRecord.pending("alice", "", "i", "token", now, ""));
    assertNull(fast.route("/user/alice/api", cookie, context, new CookieAuthenticator.Memo()));
    routes.records.put("alice/", running(1000));
    ServerRecord route = fast.route("/user/alice/api", cookie, context, new CookieAuthenticator.Memo());
    assertEquals(1000, route.port(), "read again, since nothing was kept");
  }

  @Test
  void withoutAGenerationEveryRequestReadsTheTable() {
    CountingRoutes routes = new CountingRoutes(false);
    FastPath fast = fastPath(routes);
    routes.put(running(1000));
    for (int i = 0; i < 3; i++) {
      assertEquals(1000, fast.route("/user/alice/api", cookie, context, new CookieAuthenticator.Memo()).port());
    }
    assertEquals(3, routes.lookups);
  }
}
