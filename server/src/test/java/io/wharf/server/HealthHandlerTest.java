package io.wharf.server;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.wharf.container.ContainerInfo;
import io.wharf.container.ContainerManager;
import io.wharf.container.LaunchSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The health probes against a container manager whose Docker is up or down; no Docker needed. */
class HealthHandlerTest {

  private Vertx vertx;
  private HttpClient client;
  private final AtomicInteger pings = new AtomicInteger();
  private volatile boolean dockerUp = true;

  /** Only ping matters to the probes. */
  private final ContainerManager containers = new ContainerManager() {
    @Override
    public Future<JsonObject> ping() {
      pings.incrementAndGet();
      return dockerUp ? Future.succeededFuture(new JsonObject().put("docker", true))
        : Future.failedFuture("the Docker engine is not reachable (read the engine version)");
    }

    @Override
    public Future<ContainerInfo> launch(LaunchSpec spec) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<Void> stop(String containerId) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<List<ContainerInfo>> list() {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<JsonObject> load() {
      throw new UnsupportedOperationException();
    }
  };

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    client = vertx.createHttpClient();
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private int serve(HealthHandler health) throws Exception {
    Router router = Router.router(vertx);
    router.get("/hub/health").handler(health);
    router.get("/hub/health/:probe").handler(health);
    return vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS).actualPort();
  }

  private record Answer(int status, JsonObject body) {
  }

  private Answer get(int port, String path) throws Exception {
    return client.request(HttpMethod.GET, port, "127.0.0.1", path)
      .compose(request -> request.send().compose(response -> response.body()
        .map(body -> new Answer(response.statusCode(), body.toJsonObject()))))
      .await(10, TimeUnit.SECONDS);
  }

  @Test
  void readyFollowsDockerWhileLiveDoesNot() throws Exception {
    int port = serve(new HealthHandler("i1", containers));
    assertEquals(200, get(port, "/hub/health").status());
    assertEquals(200, get(port, "/hub/health/ready").status());
    assertEquals("up", get(port, "/hub/health/ready").body().getString("docker"));

    dockerUp = false;
    Thread.sleep(HealthHandler.PING_REUSE_MILLIS + 100);
    Answer ready = get(port, "/hub/health");
    assertEquals(503, ready.status());
    assertEquals("unavailable", ready.body().getString("status"));
    assertEquals("i1", ready.body().getString("instance"));
    assertTrue(ready.body().getString("reason").startsWith("Docker engine unavailable: the Docker engine is not reachable"),
      ready.body().encode());
    assertEquals(503, get(port, "/hub/health/ready").status());
    Answer live = get(port, "/hub/health/live");
    assertEquals(200, live.status());
    assertEquals("ok", live.body().getString("status"));

    dockerUp = true;
    Thread.sleep(HealthHandler.PING_REUSE_MILLIS + 100);
    assertEquals(200, get(port, "/hub/health").status());
  }

  @Test
  void probesWithinASecondShareOnePing() throws Exception {
    int port = serve(new HealthHandler("i1", containers));
    for (int i = 0; i < 20; i++) {
      assertEquals(200, get(port, "/hub/health").status());
    }
    assertTrue(pings.get() <= 2, "20 probes in well under two seconds made " + pings.get() + " pings");
  }

  @Test
  void withoutAContainerManagerReadyNeedsNoDocker() throws Exception {
    int port = serve(new HealthHandler("router-only", null));
    assertEquals(200, get(port, "/hub/health").status());
    assertEquals(200, get(port, "/hub/health/ready").status());
    assertEquals(0, pings.get());
  }

  @Test
  void anUnknownProbeIsNotFound() throws Exception {
    int port = serve(new HealthHandler("i1", containers));
    assertEquals(404, get(port, "/hub/health/deep").status());
  }
}
