package io.wharf.router.impl;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static io.wharf.router.impl.RouterExtension.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The plain-HTTP listener ({@code router.http-port}) answers every request with a redirect to the same URI over HTTPS. */
class RedirectToHttpsTest {

  private static Vertx vertx;
  private static HttpClient client;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    client = vertx.createHttpClient();
  }

  @AfterAll
  static void stop() throws Exception {
    await(vertx.close());
  }

  private static HttpClientResponse send(RedirectToHttps handler, HttpMethod method, String uri) throws Exception {
    HttpServer server = await(vertx.createHttpServer().requestHandler(handler).listen(0, "127.0.0.1"));
    try {
      return await(client.request(new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(server.actualPort())
        .setURI(uri).putHeader("Host", "notebooks.example.org:8080")).compose(req -> req.send()));
    } finally {
      await(server.close());
    }
  }

  @Test
  void aRequestGoesToTheSamePathAndQueryOnTheHttpsPortOfItsHost() throws Exception {
    HttpClientResponse reply = send(new RedirectToHttps(null, 8443), HttpMethod.GET, "/user/alice/tree?x=1");
    assertEquals(301, reply.statusCode());
    assertEquals("https://notebooks.example.org:8443/user/alice/tree?x=1", reply.getHeader("Location"));
    assertEquals("https://notebooks.example.org/hub/login",
      send(new RedirectToHttps(null, 443), HttpMethod.POST, "/hub/login").getHeader("Location"));
  }

  @Test
  void aPublicUrlNamesTheOriginWhateverTheHost() throws Exception {
    assertEquals("https://hub.example.com/hub/home",
      send(new RedirectToHttps("https://hub.example.com", 8443), HttpMethod.GET, "/hub/home").getHeader("Location"));
  }
}
