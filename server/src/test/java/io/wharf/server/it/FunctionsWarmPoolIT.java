package io.wharf.server.it;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The warm pool on the real engine and image: a function with no container is served by a generic
 * container claimed from the pool, which sees only its own function's snapshot; and notebooks first
 * on an instance of five places (the notebooks of admin and alice, who log in, and two warm containers at the start): a function
 * container never takes the last place, a notebook start on a full instance removes a warm container,
 * a function that would need a new container on a full instance gets 503 with Retry-After, and a
 * restart removes the warm containers of the run before.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FunctionsWarmPoolIT {

  private static final String PASSWORD = "correct-horse-battery";
  private static final String MAIN = "def echo(x=None):\n    return x\n";
  private static final String OTHER = "def hello():\n    return 'hello'\n";

  private WharfProcess wharf;
  private HubClient admin;
  private HubClient alice;
  private String key;
  private String otherKey;
  private List<String> warmAtStart;
  private String claimed;
  private String spare;

  @BeforeAll
  void start() throws Exception {
    wharf = new WharfProcess("fnwarm", Map.of("WHARF_FUNCTIONS_WARM_POOL_SIZE", "2", "WHARF_FUNCTIONS_NOTEBOOKS_FIRST", "true",
      "WHARF_CONTAINERS_MAX_CONTAINERS", "5")).start();
    admin = new HubClient(wharf.base());
    assertEquals(302, admin.login("admin", WharfProcess.ADMIN_PASSWORD).statusCode());
    alice = user("alice");
  }

  @AfterAll
  void stop() throws Exception {
    if (wharf != null) {
      wharf.close();
      assertEquals(List.of(), Docker.containersOf(wharf.instanceId), "no container of the instance is left");
    }
  }

  private HubClient user(String name) throws Exception {
    assertEquals(201, admin.postJson("/hub/api/users/" + name, new JsonObject().put("password", PASSWORD)).statusCode());
    HubClient client = new HubClient(wharf.base());
    assertEquals(302, client.login(name, PASSWORD).statusCode());
    assertTrue(client.awaitProgress(name).getBoolean("ready", false), name + "'s notebook started");
    return client;
  }

  private List<String> containers(String... labels) {
    List<String> command = new java.util.ArrayList<>(List.of("docker", "ps", "-q", "--no-trunc", "--filter",
      "label=wharf.instance=" + wharf.instanceId));
    for (String label : labels) {
      command.addAll(List.of("--filter", "label=" + label));
    }
    return Arrays.stream(Docker.run(command.toArray(String[]::new)).split("\\s+")).filter(s -> !s.isBlank()).toList();
  }

  /** The instance's containers with their names and states, for a failure's message. */
  private String described() {
    return Docker.run("docker", "ps", "-a", "--filter", "label=wharf.instance=" + wharf.instanceId, "--format",
      "{{.ID}} {{.Names}} {{.Status}} {{.CreatedAt}}");
  }

  private List<String> warm() {
    return containers("wharf.warm=true");
  }

  private String metrics() {
    try {
      return admin.get("/hub/metrics").body();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void await(BooleanSupplier condition, long millis, String what) throws InterruptedException {
    long deadline = System.currentTimeMillis() + millis;
    while (!condition.getAsBoolean()) {
      assertTrue(System.currentTimeMillis() < deadline, what);
      Thread.sleep(100);
    }
  }

  private HttpResponse<String> call(String path, String bearer) throws Exception {
    return alice.http().send(HttpRequest.newBuilder(URI.create(wharf.base() + path)).timeout(Duration.ofSeconds(60))
      .POST(HttpRequest.BodyPublishers.ofString("{\"x\": 1}")).header("Content-Type", "application/json")
      .header("Authorization", "Bearer " + bearer).build(), HttpResponse.BodyHandlers.ofString());
  }

  private String publish(String name, String source) throws Exception {
    String folder = "functions/" + name;
    alice.send(alice.request("/user/alice/api/contents/" + folder).header("Content-Type", "application/json")
      .PUT(HttpRequest.BodyPublishers.ofString(new JsonObject().put("type", "directory").encode())).build());
    HttpResponse<String> file = alice.send(alice.request("/user/alice/api/contents/" + folder + "/main.py")
      .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(new JsonObject().put("type", "file")
        .put("format", "text").put("content", source).encode())).build());
    assertEquals(201, file.statusCode(), file.body());
    HttpResponse<String> published = alice.postJson("/hub/api/users/alice/functions/" + name, new JsonObject().put("path", folder)
      .put("max_containers", 1));
    assertEquals(201, published.statusCode(), published.body());
    return new JsonObject(alice.postJson("/hub/api/users/alice/functions/" + name + "/keys", new JsonObject()).body()).getString("key");
  }

  @Test
  @Order(1)
  void thePoolFillsWithGenericContainersThatSeeNoSnapshot() throws Exception {
    alice.send(alice.request("/user/alice/api/contents/functions").header("Content-Type", "application/json")
      .PUT(HttpRequest.BodyPublishers.ofString(new JsonObject().put("type", "directory").encode())).build());
    key = publish("echo", MAIN);
    otherKey = publish("other", OTHER);
    await(() -> warm().size() == 2, 30_000, "two warm containers within 30 s: " + warm());
    await(() -> metrics().contains("wharf_function_warm_pool_size 2.0"), 30_000, "both ready");
    warmAtStart = warm();
    for (String id : warmAtStart) {
      assertEquals("", Docker.run("docker", "exec", id, "ls", "-A", "/snapshots").trim(), "a warm container's /snapshots is empty");
    }
  }

  @Test
  @Order(2)
  void aColdFunctionIsServedByAClaimedWarmContainerThatSeesOnlyItsSnapshot() throws Exception {
    assertEquals(List.of(), containers("wharf.kind=function", "wharf.function=echo"));
    long start = System.nanoTime();
    HttpResponse<String> answer = call("/fn/alice/echo/echo", key);
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertEquals(200, answer.statusCode(), answer.body() + "\n" + wharf.log());
    assertEquals(1, new JsonObject(answer.body()).getInteger("result"));
    System.out.println("first answer of a cold function from the warm pool: " + millis + " ms");
    assertTrue(millis < 1_000, "a claim is no container start: " + millis + " ms");

    // A claimed container keeps its labels: what it sees tells it from the unclaimed one.
    String version = new JsonObject(alice.get("/hub/api/users/alice/functions/echo").body()).getString("version");
    List<String> seen = warmAtStart.stream().map(id -> Docker.run("docker", "exec", id, "ls", "-A", "/snapshots").trim()).toList();
    assertEquals(List.of("", version), seen.stream().sorted().toList(), "one sees only its own snapshot, the other none");
    claimed = warmAtStart.get(seen.indexOf(version));
    spare = warmAtStart.get(seen.indexOf(""));
    assertEquals(java.util.Set.copyOf(warmAtStart), java.util.Set.copyOf(containers("wharf.kind=function")),
      "no function container was started for the call (and none into the last place since)");
    JsonObject inspected = new JsonArray(Docker.run("docker", "inspect", claimed)).getJsonObject(0);
    assertTrue(inspected.getJsonObject("HostConfig").getBoolean("ReadonlyRootfs"));
    for (Object mount : inspected.getJsonArray("Mounts")) {
      // Writable: only the runtime's socket directory (a small tmpfs of its own, FunctionsIT).
      assertEquals(((JsonObject) mount).getString("Destination").equals("/run/wharf"), ((JsonObject) mount).getBoolean("RW"),
        "read-only mount: " + mount);
    }

    // The claimed container is called on its socket, as one started for the function would be.
    assertEquals(0, Docker.connectionsToRuntimePort(claimed));
    assertTrue(Docker.connectionsToRuntimeSockets() >= 1, "connections to the claimed runtime's socket");

    HttpResponse<String> logs = alice.get("/hub/api/users/alice/functions/echo/logs");
    assertEquals(200, logs.statusCode(), logs.body());
    assertTrue(logs.body().contains(claimed), "the claimed container's log is the function's: " + logs.body());
    String metrics = metrics();
    assertTrue(metrics.contains("wharf_function_warm_pool_claims_total{outcome=\"claimed\"} 1.0"), metrics);
  }

  @Test
  @Order(3)
  void notebooksComeFirstOnAFullInstance() throws Exception {
    // admin's and alice's notebooks, echo's container and one warm one: the pool is not topped up into the last place.
    Thread.sleep(2_000);
    assertEquals(4, containers().size(), "no function container takes the last place: " + described());
    assertTrue(metrics().contains("wharf_function_warm_pool_size 1.0"));

    user("bob");
    assertEquals(5, containers().size(), described());
    // Full: carol's notebook takes the warm container's place.
    user("carol");
    List<String> now = containers();
    assertFalse(now.contains(spare), "the warm container made room for carol's notebook: " + now);
    assertTrue(now.contains(claimed), "the function's container stays");
    assertEquals(5, now.size(), described());
    await(() -> metrics().contains("wharf_function_warm_pool_size 0.0"), 5_000, "the warm pool learnt it");

    HttpResponse<String> refused = call("/fn/alice/other/hello", otherKey);
    assertEquals(503, refused.statusCode(), refused.body());
    assertTrue(refused.headers().firstValue("Retry-After").isPresent(), refused.headers().map().toString());
    assertEquals(200, call("/fn/alice/echo/echo", key).statusCode(), "a function with a container is still served");
  }

  @Test
  @Order(4)
  void aRestartRemovesTheFunctionContainersOfTheRunBefore() throws Exception {
    List<String> before = containers("wharf.kind=function");
    assertFalse(before.isEmpty());
    wharf.restart();
    await(() -> containers("wharf.kind=function").stream().noneMatch(before::contains), 30_000, "the old function containers are gone");
  }
}
