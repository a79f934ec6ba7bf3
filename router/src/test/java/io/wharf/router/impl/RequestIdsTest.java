package io.wharf.router.impl;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.wharf.session.ServerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The request-id rule: a client's X-Request-Id is kept only when trusted and valid; else a fresh one. */
class RequestIdsTest {

  private Vertx vertx;
  private HttpClient client;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    client = vertx.createHttpClient();
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** Serves the id the request carries after {@code assign}; returns the port. */
  private int serve(boolean trust) throws Exception {
    RequestIds ids = RequestIds.create(trust);
    return vertx.createHttpServer().requestHandler(request -> {
      String assigned = ids.assign(request);
      request.response().end(assigned + "|" + request.getHeader("x-request-id"));
    }).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS).actualPort();
  }

  /** [id in the response header, id assign returned, id on the request's headers]. */
  private String[] call(int port, String sent) throws Exception {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setPort(port).setHost("127.0.0.1").setURI("/");
    if (sent != null) {
      options.putHeader("X-Request-Id", sent);
    }
    return client.request(options).compose(request -> request.send().compose(response -> response.body()
      .map(body -> header(response) + "|" + body))).await(10, TimeUnit.SECONDS).split("\\|", -1);
  }

  private static String header(HttpClientResponse response) {
    assertEquals(1, response.headers().getAll("X-Request-Id").size(), "one X-Request-Id on the response");
    return response.getHeader("X-Request-Id");
  }

  @Test
  void untrustedIdsAreReplacedAndFreshOnesAreUnique() throws Exception {
    int port = serve(false);
    String[] first = call(port, "chosen-by-the-client");
    assertNotEquals("chosen-by-the-client", first[0]);
    assertEquals(first[0], first[1]);
    assertEquals(first[0], first[2], "the hub's handlers and the container read it from the request");
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 20; i++) {
      String id = call(port, null)[0];
      assertTrue(id.matches("[0-9a-f]{12}-[0-9a-f]+"), id);
      assertTrue(seen.add(id), "unique: " + id);
    }
  }

  @Test
  void trustedValidIdsAreKept() throws Exception {
    int port = serve(true);
    String uuid = "0f8fad5b-d9cb-469f-a165-70867728950e";
    String[] kept = call(port, uuid);
    assertEquals(uuid, kept[0]);
    assertEquals(uuid, kept[1]);
    assertEquals(uuid, kept[2]);
    assertEquals("Root=1-67891233-abcdef012345678912345678", call(port, "Root=1-67891233-abcdef012345678912345678")[0]);
    assertTrue(call(port, null)[0].matches("[0-9a-f]{12}-[0-9a-f]+"), "none sent: a fresh one");
  }

  @Test
  void trustedButInvalidIdsAreReplaced() throws Exception {
    int port = serve(true);
    for (String bad : new String[] {"a".repeat(RequestIds.MAX_LENGTH + 1), "two words", "quote\"d", "semi;colon", "é"}) {
      String id = call(port, bad)[0];
      assertNotEquals(bad, id);
      assertTrue(id.matches("[0-9a-f]{12}-[0-9a-f]+"), bad + " gave " + id);
    }
  }

  @Test
  void theContainerGetsTheSameIdThroughTheProxy() throws Exception {
    int backend = vertx.createHttpServer().requestHandler(request -> request.response().end(request.getHeader("X-Request-Id")))
      .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS).actualPort();
    ServerRecord route = new ServerRecord("alice", "", ServerRecord.State.RUNNING, "test", "c", "127.0.0.1", backend, "token", 0, 0, 100,
      "ready", "");
    NotebookProxy proxy = new NotebookProxy(vertx, vertx.createHttpClient(), "wharf-session", 10_000, false);
    RequestIds ids = RequestIds.create(false);
    int port = vertx.createHttpServer().requestHandler(request -> {
      ids.assign(request);
      proxy.handle(request, route);
    }).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS).actualPort();
    String[] seen = client.request(HttpMethod.GET, port, "127.0.0.1", "/user/alice/")
      .compose(request -> request.putHeader("X-Request-Id", "from-client").send()
        .compose(response -> response.body().map(body -> header(response) + "|" + body)))
      .await(10, TimeUnit.SECONDS).split("\\|");
    assertEquals(seen[0], seen[1], "the container saw the id the client got back");
    assertNotEquals("from-client", seen[1]);
  }

  @Test
  void acceptableIdsAreShortAndOfSafeCharacters() {
    assertEquals("abc-DEF_1.2:3+4/5=", RequestIds.acceptable("abc-DEF_1.2:3+4/5="));
    assertEquals("a".repeat(RequestIds.MAX_LENGTH), RequestIds.acceptable("a".repeat(RequestIds.MAX_LENGTH)));
    assertNull(RequestIds.acceptable(null));
    assertNull(RequestIds.acceptable(""));
    assertNull(RequestIds.acceptable("a".repeat(RequestIds.MAX_LENGTH + 1)));
    assertNull(RequestIds.acceptable("line\nbreak"));
    assertNull(RequestIds.acceptable("tab\there"));
    assertNull(RequestIds.acceptable("<script>"));
  }
}
