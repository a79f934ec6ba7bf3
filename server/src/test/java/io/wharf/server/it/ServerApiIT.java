package io.wharf.server.it;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The JupyterHub-compatible server API against the real engine: user and server models, named
 * servers behind the router, the progress stream, router-observed activity, and a burst of 30
 * logins queued rather than refused. Servers run the small static image that the benchmark uses
 * (bench/build-static-image.sh), so the test measures Wharf rather than Jupyter's start-up.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServerApiIT {

  static final String LIGHT_IMAGE = "wharf/bench-static:latest";
  private static final String PASSWORD = "correct-horse-battery";
  private static final int BURST = 30;

  private WharfProcess wharf;
  private HubClient admin;

  /** Environment for a Wharf whose servers are the static bench container. */
  static Map<String, String> lightImage() {
    return Map.of(
      "WHARF_CONTAINERS_IMAGE", LIGHT_IMAGE,
      "WHARF_CONTAINERS_ALLOWED_IMAGES", LIGHT_IMAGE,
      "WHARF_CONTAINERS_COMMAND", "/usr/sbin/nginx,-c,/etc/nginx/nginx.conf",
      "WHARF_CONTAINERS_READY_PATH", "/",
      "WHARF_CONTAINERS_MEMORY", "64m",
      "WHARF_CONTAINERS_HOME_VOLUME", "");
  }

  @BeforeAll
  void start() throws Exception {
    Path config = Files.createTempFile("wharf-profiles", ".yaml");
    Files.writeString(config, """
      containers:
        profiles:
          tiny: {memory: 96m, cpus: 0.25, pids: 64, description: "Tiny test profile"}
          big: {memory: 128m, cpus: 0.5, users: [dora]}
      """);
    wharf = new WharfProcess("api", lightImage())
      .with("WHARF_CONFIG", config.toString())
      .with("WHARF_SERVERS_NAMED_PER_USER", "2")
      .with("WHARF_ROUTER_ACTIVITY_FLUSH_SECONDS", "1")
      .start();
    admin = new HubClient(wharf.base());
    assertEquals(302, admin.login("admin", WharfProcess.ADMIN_PASSWORD).statusCode());
    List<String> users = new ArrayList<>(List.of("alice", "bob", "carol", "dora"));
    IntStream.range(0, BURST).forEach(i -> users.add("burst" + i));
    HttpResponse<String> created = admin.postJson("/hub/api/users",
      new JsonObject().put("usernames", new JsonArray(users)).put("password", PASSWORD));
    assertEquals(201, created.statusCode(), created.body());
    assertEquals(users.size(), new JsonArray(created.body()).size());
  }

  @AfterAll
  void stop() throws Exception {
    if (wharf != null) {
      wharf.close();
      assertTrue(Docker.containersOf(wharf.instanceId).isEmpty());
    }
  }

  @Test
  void userModelsHaveJupyterHubsShape() throws Exception {
    HttpResponse<String> again = admin.postJson("/hub/api/users", new JsonObject().put("usernames", new JsonArray().add("alice")));
    assertEquals(409, again.statusCode(), "creating only existing users conflicts");

    HttpResponse<String> list = admin.get("/hub/api/users");
    assertEquals(200, list.statusCode());
    JsonArray users = new JsonArray(list.body());
    assertTrue(users.size() >= 4 + BURST);
    JsonObject alice = users.stream().map(JsonObject.class::cast).filter(u -> u.getString("name").equals("alice")).findFirst().orElseThrow();
    // The keys of JupyterHub's documented user model.
    for (String key : List.of("kind", "name", "admin", "groups", "server", "pending", "created", "last_activity", "servers")) {
      assertTrue(alice.containsKey(key), "user model has " + key + ": " + alice.encode());
    }
    assertEquals("user", alice.getString("kind"));
    assertFalse(alice.getBoolean("admin"));
    assertEquals(1, new JsonArray(admin.get("/hub/api/users?offset=1&limit=1").body()).size());
    assertEquals(400, admin.get("/hub/api/users?limit=x").statusCode());

    // A user's token sees only that user, and may not act on another.
    HttpResponse<String> issued = admin.postJson("/hub/api/users/bob/tokens", new JsonObject().put("note", "api test"));
    assertEquals(201, issued.statusCode(), issued.body());
    String token = new JsonObject(issued.body()).getString("token");
    HubClient bob = new HubClient(wharf.base());
    // As in JupyterHub, listing users takes list:users, which a user's own token does not hold.
    assertEquals(403, bob.send(bob.request("/hub/api/users").header("Authorization", "token " + token).GET().build()).statusCode());
    HttpResponse<String> own = bob.send(bob.request("/hub/api/users/bob").header("Authorization", "token " + token).GET().build());
    assertEquals(200, own.statusCode());
    assertEquals("bob", new JsonObject(own.body()).getString("name"));
    assertEquals(403, bob.send(bob.request("/hub/api/users/alice").header("Authorization", "Bearer " + token).GET().build()).statusCode());
    assertEquals(403, bob.send(bob.request("/hub/api/users/alice/server").header("Authorization", "Bearer " + token)
      .POST(HttpRequest.BodyPublishers.noBody()).build()).statusCode());
  }

  @Test
  void namedServersAreRoutedUnderTheirOwnPrefix() throws Exception {
    HubClient alice = new HubClient(wharf.base());
    assertEquals(302, alice.login("alice", PASSWORD).statusCode());
    assertTrue(alice.awaitProgress("alice").getBoolean("ready"));

    HttpResponse<String> started = alice.postJson("/hub/api/users/alice/servers/lab", new JsonObject());
    assertEquals(202, started.statusCode(), started.body());
    assertEquals("lab", new JsonObject(started.body()).getString("name"));
    List<JsonObject> events = alice.progressEvents("/hub/api/users/alice/servers/lab/progress");
    JsonObject last = events.get(0);
    assertTrue(last.getBoolean("ready", false), last.encode());
    assertEquals("/user/alice/lab/", last.getString("url"));
    for (JsonObject event : events.subList(1, events.size())) {
      assertNotNull(event.getInteger("progress"), event.encode());
      assertNotNull(event.getString("message"), event.encode());
    }
    assertEquals(1, Docker.run("docker", "ps", "-q", "--filter", "label=wharf.instance=" + wharf.instanceId,
      "--filter", "label=wharf.server=lab").lines().count());

    JsonObject model = new JsonObject(alice.get("/hub/api/user").body());
    assertEquals(Set.of("", "lab"), model.getJsonObject("servers").fieldNames());
    assertTrue(model.getJsonObject("servers").getJsonObject("lab").getBoolean("ready"));

    // With the default server stopped, its paths answer "not running" while the named one still serves.
    assertEquals(204, alice.delete("/hub/api/users/alice/server").statusCode());
    assertEquals(200, alice.get("/user/alice/lab/index.html").statusCode());
    assertEquals(503, alice.get("/user/alice/index.html").statusCode());
    assertEquals(302, alice.navigate("/user/alice/lab").statusCode(), "the bare prefix gets its slash");

    // Activity through the router shows in last_activity within a couple of flushes.
    String before = new JsonObject(alice.get("/hub/api/user").body()).getJsonObject("servers").getJsonObject("lab").getString("last_activity");
    Thread.sleep(1100);
    assertEquals(200, alice.get("/user/alice/lab/index.html").statusCode());
    String after = before;
    for (int i = 0; i < 20 && after.equals(before); i++) {
      Thread.sleep(250);
      after = new JsonObject(alice.get("/hub/api/user").body()).getJsonObject("servers").getJsonObject("lab").getString("last_activity");
    }
    assertTrue(after.compareTo(before) > 0, "last_activity moved from " + before + " to " + after);

    // The per-user named-server limit (2 here), with JupyterHub's 400.
    assertEquals(202, alice.postJson("/hub/api/users/alice/servers/lab2", new JsonObject()).statusCode());
    HttpResponse<String> third = alice.postJson("/hub/api/users/alice/servers/lab3", new JsonObject());
    assertEquals(400, third.statusCode(), third.body());
    assertTrue(third.body().contains("maximum of 2 named servers"), third.body());
    assertTrue(alice.progressEvents("/hub/api/users/alice/servers/lab2/progress").get(0).getBoolean("ready"));

    for (String server : List.of("lab", "lab2")) {
      assertEquals(204, alice.delete("/hub/api/users/alice/servers/" + server).statusCode());
    }
    assertEquals(0, new JsonObject(alice.get("/hub/api/user").body()).getJsonObject("servers").size());
    assertEquals("", Docker.run("docker", "ps", "-aq", "--filter", "label=wharf.instance=" + wharf.instanceId,
      "--filter", "label=wharf.owner=alice").trim(), "stopping removed alice's containers");
  }

  @Test
  void aBurstOfLoginsIsQueuedNotRefused() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(BURST);
    try {
      List<Future<long[]>> results = new ArrayList<>();
      for (int i = 0; i < BURST; i++) {
        String user = "burst" + i;
        results.add(pool.submit(() -> {
          HubClient client = new HubClient(wharf.base());
          long start = System.nanoTime();
          int login = client.login(user, PASSWORD).statusCode();
          List<JsonObject> events = client.progressEvents("/hub/api/users/" + user + "/server/progress");
          long readyNanos = System.nanoTime() - start;
          boolean ready = login == 302 && events.get(0) != null && events.get(0).getBoolean("ready", false);
          boolean waited = events.stream().skip(1).anyMatch(e -> e.getString("message", "").contains("in line"));
          return new long[] {ready ? 1 : 0, readyNanos, waited ? 1 : 0};
        }));
      }
      long rejected = 0;
      long queued = 0;
      long[] millis = new long[BURST];
      for (int i = 0; i < BURST; i++) {
        long[] r = results.get(i).get();
        rejected += 1 - r[0];
        queued += r[2];
        millis[i] = r[1] / 1_000_000;
      }
      Arrays.sort(millis);
      long p95 = millis[(int) Math.ceil(0.95 * BURST) - 1];
      System.out.println("lifecycle: burst of " + BURST + " logins: " + rejected + " rejected, " + queued
        + " waited in line, ready p50 " + millis[BURST / 2] + " ms, p95 " + p95 + " ms, max " + millis[BURST - 1] + " ms");
      assertEquals(0, rejected, "no login of the burst was refused");
      assertTrue(queued > 0, "the burst exceeded the concurrent-launch limit, so some waited in line");
    } finally {
      pool.shutdownNow();
      for (int i = 0; i < BURST; i++) {
        admin.delete("/hub/api/users/burst" + i + "/server");
      }
    }
  }

  /**
   * Limit profiles: the default one, a named one chosen through user_options and applied by
   * Docker, one restricted to other users, bad choices refused, and the choice kept when a
   * server that died is restarted.
   */
  @Test
  void limitProfilesAreChosenAppliedAndRestricted() throws Exception {
    HubClient carol = new HubClient(wharf.base());
    assertEquals(302, carol.login("carol", PASSWORD).statusCode());
    assertTrue(carol.awaitProgress("carol").getBoolean("ready"));
    assertEquals((64L << 20) + " 1000000000 512", limits(container(carol, "carol")), "the login's server has the default profile");
    assertEquals(new JsonObject(), server(carol, "carol").getJsonObject("user_options"));
    // Locked down as the README says: every capability dropped, no-new-privileges, the token in JUPYTER_TOKEN.
    assertEquals("[ALL] [no-new-privileges] true", Docker.run("docker", "inspect", "-f",
      "{{.HostConfig.CapDrop}} {{.HostConfig.SecurityOpt}} {{range .Config.Env}}{{if eq (index (split . \"=\") 0) \"JUPYTER_TOKEN\"}}"
        + "{{gt (len .) 14}}{{end}}{{end}}", container(carol, "carol")).trim());

    // Who may choose what: big is dora's (and the admins').
    assertEquals(List.of("default", "tiny"), profileNames(carol, "carol"));
    assertEquals(List.of("default", "tiny", "big"), profileNames(admin, "dora"));
    JsonObject tiny = new JsonArray(carol.get("/hub/api/users/carol/profiles").body()).getJsonObject(1);
    assertEquals("Tiny test profile", tiny.getString("description"));
    assertEquals(96L << 20, tiny.getLong("memory"));
    assertEquals(0.25, tiny.getDouble("cpus"));
    assertEquals(64, tiny.getInteger("pids"));

    HttpResponse<String> forbidden = carol.postJson("/hub/api/users/carol/servers/x", new JsonObject().put("profile", "big"));
    assertEquals(403, forbidden.statusCode(), forbidden.body());
    HttpResponse<String> unknown = carol.postJson("/hub/api/users/carol/servers/x", new JsonObject().put("profile", "huge"));
    assertEquals(400, unknown.statusCode(), unknown.body());
    assertTrue(unknown.body().contains("huge") && unknown.body().contains("tiny"), unknown.body());
    assertEquals(400, carol.postJson("/hub/api/users/carol/servers/x", new JsonObject().put("profile", 5)).statusCode());
    assertEquals(400, carol.send(carol.request("/hub/api/users/carol/servers/x").header("Content-Type", "application/json")
      .POST(HttpRequest.BodyPublishers.ofString("not json")).build()).statusCode());
    assertFalse(new JsonObject(carol.get("/hub/api/user").body()).getJsonObject("servers").containsKey("x"),
      "a refused start leaves no server behind");

    // Restart with a named profile: Docker runs the container with its limits and label.
    assertEquals(204, carol.delete("/hub/api/users/carol/server").statusCode());
    HttpResponse<String> started = carol.postJson("/hub/api/users/carol/server", new JsonObject().put("profile", "tiny"));
    assertEquals(202, started.statusCode(), started.body());
    assertEquals("tiny", new JsonObject(started.body()).getJsonObject("user_options").getString("profile"));
    assertTrue(carol.awaitProgress("carol").getBoolean("ready"));
    String id = container(carol, "carol");
    assertEquals((96L << 20) + " 250000000 64 tiny", limits(id));
    assertEquals("tiny", server(carol, "carol").getJsonObject("user_options").getString("profile"));
    assertEquals(200, carol.get("/user/carol/index.html").statusCode());

    // The container dies; the restart button (a start without a body) keeps the profile.
    Docker.run("docker", "kill", id);
    JsonObject stopped = server(carol, "carol");
    for (int i = 0; i < 40 && stopped.getString("error") == null; i++) {
      Thread.sleep(100);
      stopped = server(carol, "carol");
    }
    assertTrue(stopped.getBoolean("stopped"), stopped.encode());
    assertEquals(202, carol.send(carol.request("/hub/api/users/carol/server").POST(HttpRequest.BodyPublishers.noBody()).build()).statusCode());
    assertTrue(carol.awaitProgress("carol").getBoolean("ready"));
    assertEquals((96L << 20) + " 250000000 64 tiny", limits(container(carol, "carol")));

    // An admin may give anyone any profile.
    HttpResponse<String> forDora = admin.postJson("/hub/api/users/carol/servers/big", new JsonObject().put("profile", "big"));
    assertEquals(202, forDora.statusCode(), forDora.body());
    assertTrue(admin.progressEvents("/hub/api/users/carol/servers/big/progress").get(0).getBoolean("ready"));
    assertEquals((128L << 20) + " 500000000 512 big", limits(container(carol, "carol", "big")));

    assertEquals(204, carol.delete("/hub/api/users/carol/servers/big").statusCode());
    assertEquals(204, carol.delete("/hub/api/users/carol/server").statusCode());
  }

  private static JsonObject server(HubClient client, String user) throws Exception {
    return server(client, user, "");
  }

  private static JsonObject server(HubClient client, String user, String name) throws Exception {
    return new JsonObject(client.get("/hub/api/users/" + user + "?include_stopped_servers").body()).getJsonObject("servers").getJsonObject(name);
  }

  private String container(HubClient client, String user) throws Exception {
    return container(client, user, "");
  }

  /** The server's container, from its state, which only an admin reads. */
  private String container(HubClient client, String user, String name) throws Exception {
    return server(admin, user, name).getJsonObject("state").getString("container");
  }

  /** Memory bytes, nano-CPUs, pids limit and profile label, as Docker has them. */
  private static String limits(String container) {
    return Docker.run("docker", "inspect", "-f",
      "{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}} {{.HostConfig.PidsLimit}} {{index .Config.Labels \"wharf.profile\"}}",
      container).trim();
  }

  private static List<String> profileNames(HubClient client, String user) throws Exception {
    HttpResponse<String> response = client.get("/hub/api/users/" + user + "/profiles");
    assertEquals(200, response.statusCode(), response.body());
    return new JsonArray(response.body()).stream().map(p -> ((JsonObject) p).getString("name")).toList();
  }
}
