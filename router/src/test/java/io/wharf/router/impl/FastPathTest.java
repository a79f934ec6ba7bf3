package io.wharf.router.impl;

import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.wharf.router.impl.RouterExtension.Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which requests {@link FastPath} proxies, and that it keeps a connection's answers in the order
 * of its requests when it shares the connection with Vert.x's path. The proxy's rules
 * themselves (headers, bodies, 502 and 504) are {@link NotebookProxyTest}'s and
 * {@link UserRequestProxyTest}'s, whose cookie requests take the fast path.
 */
class FastPathTest {

  @RegisterExtension
  static final RouterExtension router = new RouterExtension();

  private static final Pattern STATUS = Pattern.compile("^HTTP/1\\.1 (\\d{3}) ", Pattern.MULTILINE);
  private static final Pattern REQUEST_ID = Pattern.compile("(?im)^x-request-id: (\\S+)$");

  private void aliceRuns() throws Exception {
    router.put(router.notebook().running("alice", ""));
  }

  @Test
  void aRequestWithTheUsersCookieTakesTheFastPathAndGetsTheSameAnswer() throws Exception {
    aliceRuns();
    long before = router.fastPathRequests();
    Reply reply = router.get("/user/alice/api/status", "Cookie", router.cookie("alice"));
    assertEquals(200, reply.status());
    assertEquals("notebook default", reply.body().toString());
    assertEquals("max-age=31536000", reply.header("Strict-Transport-Security"));
    assertEquals(RouterExtension.INSTANCE, reply.header("X-Wharf-Instance"));
    assertTrue(reply.header("X-Request-Id") != null && !reply.header("X-Request-Id").isEmpty());
    assertEquals(reply.header("X-Request-Id"), router.notebook().next().headers().get("X-Request-Id"),
      "the container saw the id the client got");
    assertEquals(before + 1, router.fastPathRequests());
  }

  @Test
  void requestsOutsideTheCommonCaseTakeVertxPath() throws Exception {
    aliceRuns();
    long before = router.fastPathRequests();
    assertEquals(200, router.send(HttpMethod.HEAD, "/user/alice/tree", null, "Cookie", router.cookie("alice")).status());
    assertEquals(200, router.get("/user/alice/api/status", "Cookie", router.cookie("alice"), "Expect", "").status());
    assertEquals(401, router.get("/user/alice/api/status", "Accept", "application/json").status(), "no cookie");
    assertEquals(403, router.get("/user/alice/api/status", "Cookie", router.cookie("bob")).status(), "another user's cookie");
    assertEquals(503, router.get("/user/carol/api/status", "Cookie", router.cookie("carol")).status(), "no running server");
    assertEquals(302, router.get("/user/alice", "Cookie", router.cookie("alice")).status(), "the missing slash");
    assertEquals(before, router.fastPathRequests());
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrderWhicheverPathServesThem() throws Exception {
    aliceRuns();
    String cookie = "Cookie: " + router.cookie("alice") + "\r\n";
    String host = "Host: " + router.authority() + "\r\n";
    long before = router.fastPathRequests();
    try (RawHttps connection = RawHttps.connect(router.authority())) {
      // Fast, fast, Vert.x's (no cookie: 401), fast, Vert.x's (HEAD), fast: in one write.
      connection.send("GET /user/alice/api/one HTTP/1.1\r\n" + host + cookie + "\r\n"
        + "POST /user/alice/api/two HTTP/1.1\r\n" + host + cookie + "Content-Length: 3\r\n\r\nabc"
        + "GET /user/alice/api/three HTTP/1.1\r\n" + host + "Accept: application/json\r\n\r\n"
        + "GET /user/alice/api/four HTTP/1.1\r\n" + host + cookie + "\r\n"
        + "GET /user/alice/api/five HTTP/1.1\r\n" + host + cookie + "Connection: keep-alive\r\n\r\n"
        + "GET /user/alice/api/six HTTP/1.1\r\n" + host + cookie + "\r\n");
      List<String> statuses = new ArrayList<>();
      List<String> ids = new ArrayList<>();
      List<String> bodies = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        String response = connection.readResponse();
        statuses.add(first(STATUS, response));
        ids.add(first(REQUEST_ID, response));
        bodies.add(response.substring(response.indexOf("\r\n\r\n") + 4));
      }
      assertEquals(List.of("200", "200", "401", "200", "200", "200"), statuses);
      assertEquals(List.of("notebook default", "abc"), bodies.subList(0, 2));
      assertEquals(6, new HashSet<>(ids).size(), "each answer its own request's: " + ids);
    }
    List<String> reached = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      reached.add(router.notebook().next().uri());
    }
    assertEquals(List.of("/user/alice/api/one", "/user/alice/api/two", "/user/alice/api/four", "/user/alice/api/five",
      "/user/alice/api/six"), reached);
    assertEquals(before + 3, router.fastPathRequests(), "one, two and four; five has a Connection header, and six came "
      + "while Vert.x still answered five");
  }

  @Test
  void sequentialRequestsReuseOneConnectionToTheContainer() throws Exception {
    aliceRuns();
    HashSet<Integer> ports = new HashSet<>();
    for (int i = 0; i < 10; i++) {
      assertEquals(200, router.get("/user/alice/api/status", "Cookie", router.cookie("alice")).status());
      ports.add(router.notebook().next().port());
    }
    assertEquals(1, ports.size(), "one kept-alive connection: " + ports);
  }

  @Test
  void aClientThatGoesAwayMidAnswerClosesTheContainersConnection() throws Exception {
    aliceRuns();
    String uri = "/user/alice/api/stream?chunks=1000000";
    HttpConnection connection = router.sendOnOwnConnection(uri, "Cookie", router.cookie("alice"));
    assertEquals(uri, router.notebook().next().uri());
    Thread.sleep(100);
    RouterExtension.await(connection.close());
    assertEquals(uri, router.notebook().nextAbandoned(2000), "the container's answer was cut off with the client's");
    // The connection that carried it is gone from the pool: the next request gets another.
    assertEquals(200, router.get("/user/alice/api/status", "Cookie", router.cookie("alice")).status());
  }

  private static String first(Pattern pattern, String text) {
    Matcher m = pattern.matcher(text);
    return m.find() ? m.group(1) : null;
  }
}
