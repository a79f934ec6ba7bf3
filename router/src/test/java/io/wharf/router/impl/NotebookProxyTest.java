package io.wharf.router.impl;

import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.wharf.router.impl.FakeNotebook.Seen;
import io.wharf.router.impl.RouterExtension.Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.wharf.router.impl.UserRequestHandlerTest.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The proxy's own rules on the real router over HTTPS: what it keeps from the container's answer
 * and what it drops, bodies of unknown length both ways, and how it answers when the container
 * is slow or gone (504 and 502, as JSON for API calls and as a page for navigations).
 */
class NotebookProxyTest {

  @RegisterExtension
  static final RouterExtension router = new RouterExtension();

  private static final String[] NAVIGATE = {"Sec-Fetch-Mode", "navigate", "Accept", "text/html"};

  private void aliceRuns() throws Exception {
    router.put(router.notebook().running("alice", ""));
  }

  private static String[] with(String[] headers, String... more) {
    String[] all = new String[headers.length + more.length];
    System.arraycopy(headers, 0, all, 0, headers.length);
    System.arraycopy(more, 0, all, headers.length, more.length);
    return all;
  }

  @Test
  void theContainersServerHeaderAndCorsGrantsDoNotReachTheClient() throws Exception {
    aliceRuns();
    for (Reply reply : List.of(
      router.get("/user/alice/api/status", "Cookie", router.cookie("alice"), "Origin", "https://evil.example"),
      router.getOverHttp2("/user/alice/api/status", "cookie", router.cookie("alice"), "origin", "https://evil.example"))) {
      assertEquals(200, reply.status());
      assertEquals("default", reply.header("X-Notebook"), "the container's own headers pass");
      assertNull(reply.header("Server"), "no Server header, over " + reply.version());
      assertNull(reply.header("Access-Control-Allow-Origin"), "no CORS grant the router did not decide");
      assertNull(reply.header("Access-Control-Allow-Credentials"));
    }
  }

  @Test
  void aChunkedAnswerStreamsThroughWhole() throws Exception {
    aliceRuns();
    StringBuilder expected = new StringBuilder();
    for (int i = 0; i < 50; i++) {
      expected.append("line ").append(i).append('\n');
    }
    Reply reply = router.get("/user/alice/files/stream?chunks=50", "Cookie", router.cookie("alice"));
    assertEquals(200, reply.status());
    assertEquals(expected.toString(), reply.body().toString());
    assertEquals("chunked", reply.header("Transfer-Encoding"), "passed on as it comes, not buffered to count it");
    Reply overHttp2 = router.getOverHttp2("/user/alice/files/stream?chunks=50", "cookie", router.cookie("alice"));
    assertEquals(HttpVersion.HTTP_2, overHttp2.version());
    assertEquals(expected.toString(), overHttp2.body().toString());
  }

  @Test
  void aChunkedUploadReachesTheContainerWhole() throws Exception {
    aliceRuns();
    List<String> chunks = List.of("{\"content\": \"", "x".repeat(100_000), "\"}");
    Reply reply = router.postChunked("/user/alice/api/contents/big.txt", chunks, "Cookie", router.cookie("alice"),
      "Content-Type", "application/json");
    assertEquals(200, reply.status());
    Seen seen = router.notebook().next();
    assertEquals(HttpMethod.POST, seen.method());
    assertEquals(String.join("", chunks), seen.body().toString());
    assertEquals(String.join("", chunks), reply.body().toString());
  }

  @Test
  void anUploadThatArrivesBeforeTheContainersConnectionIsFreeReachesItWhole() throws Exception {
    aliceRuns();
    // The fast path's connections towards this container are taken by requests it never
    // answers: the upload waits for one of them, its first chunks held meanwhile.
    List<HttpConnection> holding = new ArrayList<>();
    for (int i = 0; i < RouterExtension.MAX_CONNECTIONS_PER_SERVER; i++) {
      holding.add(router.sendOnOwnConnection("/user/alice/api/slow", "Cookie", router.cookie("alice")));
      assertEquals("/user/alice/api/slow", router.notebook().next().uri());
    }
    List<String> chunks = List.of("{\"content\": \"", "y".repeat(200_000), "\"}");
    CompletableFuture<Reply> upload = CompletableFuture.supplyAsync(() -> {
      try {
        return router.postChunked("/user/alice/api/contents/queued.txt", chunks, "Cookie", router.cookie("alice"));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    // The upload's head and first chunks reach the router while it waits for a connection; the
    // clients of the held requests then go away, which frees the pool.
    Thread.sleep(300);
    assertTrue(router.notebook().untouched(), "the upload waited for a connection");
    for (HttpConnection connection : holding) {
      RouterExtension.await(connection.close());
    }
    Reply reply = upload.get(RouterExtension.RESPONSE_TIMEOUT_SECONDS * 1000L - 500, TimeUnit.MILLISECONDS);
    assertEquals(200, reply.status());
    Seen seen = router.notebook().next();
    assertEquals("/user/alice/api/contents/queued.txt", seen.uri());
    String sent = String.join("", chunks);
    assertEquals(sent.length(), seen.body().length(), "the whole body, the chunks that came before the connection included");
    assertTrue(sent.equals(seen.body().toString()), "the body as sent");
  }

  @Test
  void aHeadRequestGetsTheHeadersAndNoBody() throws Exception {
    aliceRuns();
    Reply reply = router.send(HttpMethod.HEAD, "/user/alice/tree", null, "Cookie", router.cookie("alice"));
    assertEquals(200, reply.status());
    assertEquals("default", reply.header("X-Notebook"));
    assertEquals(0, reply.body().length());
  }

  @Test
  void aContainerThatDoesNotAnswerInTimeGets504AsJsonOrAsAPage() throws Exception {
    aliceRuns();
    long start = System.currentTimeMillis();
    // Both at once, so that the test waits for the timeout only once.
    CompletableFuture<Reply> api = CompletableFuture.supplyAsync(() -> {
      try {
        return router.get("/user/alice/api/slow", "Cookie", router.cookie("alice"), "Accept", "application/json");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    Reply page = router.get("/user/alice/tree/slow", with(NAVIGATE, "Cookie", router.cookie("alice")));
    long took = System.currentTimeMillis() - start;
    assertTrue(took >= RouterExtension.RESPONSE_TIMEOUT_SECONDS * 1000L - 100, "answered after the timeout, in " + took + " ms");
    assertError(api.get(5, TimeUnit.SECONDS), 504, "the notebook server did not answer in time");
    assertPage(page, 504, "504 Gateway Timeout");
    // The connection to the router is still good.
    assertEquals(200, router.get("/user/alice/api/status", "Cookie", router.cookie("alice")).status());
  }

  @Test
  void aClientThatGoesAwayWhileTheContainerThinksEndsTheContainersRequest() throws Exception {
    aliceRuns();
    HttpConnection connection = router.sendOnOwnConnection("/user/alice/api/slow", "Cookie", router.cookie("alice"));
    assertEquals("/user/alice/api/slow", router.notebook().next().uri());
    long closed = System.currentTimeMillis();
    RouterExtension.await(connection.close());
    String abandoned = router.notebook().nextAbandoned(RouterExtension.RESPONSE_TIMEOUT_SECONDS * 1000L / 2);
    assertEquals("/user/alice/api/slow", abandoned, "the container's request ended with the client's, not at the timeout, after "
      + (System.currentTimeMillis() - closed) + " ms");
  }

  @Test
  void aContainerThatRefusesConnectionsGets502AsJsonOrAsAPage() throws Exception {
    router.putRunningOnAClosedPort("alice");
    assertError(router.get("/user/alice/api/status", "Cookie", router.cookie("alice"), "Accept", "application/json"),
      502, "the notebook server is not reachable");
    assertPage(router.get("/user/alice/tree", with(NAVIGATE, "Cookie", router.cookie("alice"))), 502, "502 Bad Gateway");
  }

  private static void assertPage(Reply reply, int status, String title) {
    assertEquals(status, reply.status(), () -> "status; body " + reply.body());
    assertEquals("text/html; charset=utf-8", reply.header("Content-Type"));
    assertEquals("no-store", reply.header("Cache-Control"));
    assertEquals("max-age=31536000", reply.header("Strict-Transport-Security"));
    String body = reply.body().toString();
    assertTrue(body.contains("<title>" + title + "</title>") && body.contains("href=\"/hub/home\""), body);
  }
}
