package io.wharf.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Vert.x's HTTP metrics with the proxy path left out, on a real server and real clients. */
class ProxyExcludingMetricsFactoryTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private Vertx vertx;
  private int port;

  @BeforeEach
  void setUp() throws Exception {
    // A registry name of its own: Vert.x keeps registries by name for the whole JVM.
    MicrometerMetricsOptions options = new MicrometerMetricsOptions().setEnabled(true).setRegistryName(UUID.randomUUID().toString());
    vertx = Vertx.builder()
      .with(new VertxOptions().setMetricsOptions(options))
      .withMetrics(new ProxyExcludingMetricsFactory(new MicrometerMetricsFactory(registry)))
      .build();
    port = vertx.createHttpServer().requestHandler(request -> request.response().end("ok"))
      .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS).actualPort();
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private void get(HttpClient client, String path) throws Exception {
    client.request(HttpMethod.GET, port, "127.0.0.1", path)
      .compose(request -> request.send().compose(response -> response.body()))
      .await(10, TimeUnit.SECONDS);
  }

  private double count(String name) {
    return registry.find(name).counters().stream().mapToDouble(Counter::count).sum();
  }

  @Test
  void theProxyPathAndFunctionCallsAreLeftOutAndTheRestIsMeasured() throws Exception {
    HttpClient proxy = vertx.createHttpClient(new HttpClientOptions().setMetricsName(ProxyExcludingMetricsFactory.PROXY_CLIENT));
    HttpClient functions = vertx.createHttpClient(new HttpClientOptions().setMetricsName(ProxyExcludingMetricsFactory.FUNCTIONS_CLIENT));
    HttpClient other = vertx.createHttpClient(new HttpClientOptions().setMetricsName("probe"));
    get(proxy, "/user/alice/api/status");
    get(proxy, "/user/alice/tree");
    get(functions, "/invoke/mean");
    get(other, "/user/alice/api/status");
    get(other, "/fn/alice/stats/mean");
    get(other, "/hub/health");
    get(other, "/hub/api/user");

    assertEquals(3.0, count("vertx.http.server.requests"), "only the requests outside /user/ and /fn/ are the server's: "
      + "/invoke/mean, /hub/health and /hub/api/user");
    assertEquals(4.0, count("vertx.http.client.requests"), "only the requests of clients other than the proxy's and the functions'");
    assertEquals(14.0, registry.find("vertx.http.server.bytes.written").counter().count(),
      "connection metrics still see every response: seven times \"ok\"");
  }
}
