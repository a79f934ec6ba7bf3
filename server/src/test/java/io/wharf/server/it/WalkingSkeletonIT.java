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
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The walking skeleton end to end, over HTTPS against the real engine and the real Jupyter image:
 * login, launch, proxied HTTP and WebSocket, authorization, restart, and a failing launch.
 */
@ExtendWith(WharfExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WalkingSkeletonIT {

  private static final String PASSWORD = "correct-horse-battery";

  private WharfProcess wharf;
  private HubClient admin;
  private HubClient alice;

  @BeforeAll
  void createUsers(WharfProcess wharf) throws Exception {
    this.wharf = wharf;
    admin = new HubClient(wharf.base());
    HttpResponse<String> login = admin.login("admin", WharfProcess.ADMIN_PASSWORD);
    assertEquals(302, login.statusCode(), login.body());
    for (String user : List.of("alice", "bob")) {
      HttpResponse<String> created = admin.postJson("/hub/api/users/" + user, new JsonObject().put("password", PASSWORD));
      assertEquals(201, created.statusCode(), created.body());
    }
    // The admin's own server, started by the login, is not needed here.
    JsonObject adminReady = admin.awaitProgress("admin");
    assertTrue(adminReady.getBoolean("ready", false), adminReady.encode());
    assertEquals(204, admin.delete("/hub/api/users/admin/server").statusCode());
  }

  @Test
  @Order(1)
  void loginStartsTheServerAndProgressEndsReady() throws Exception {
    alice = new HubClient(wharf.base());
    // Wharf runs in its data directory, with no static/ there: the page is the jar's.
    HttpResponse<String> page = alice.get("/hub/login");
    assertEquals(200, page.statusCode());
    assertTrue(page.body().contains("<form id=\"login-form\""), page.body());
    HttpResponse<String> login = alice.login("alice", PASSWORD);
    assertEquals(302, login.statusCode());
    assertEquals("/hub/spawn-pending/alice", login.headers().firstValue("location").orElseThrow().replace(wharf.base(), ""));
    String setCookie = login.headers().allValues("set-cookie").stream().filter(c -> c.startsWith("wharf-session=")).findFirst().orElseThrow();
    String attributes = setCookie.toLowerCase(java.util.Locale.ROOT);
    assertTrue(attributes.contains("; secure"), setCookie);
    assertTrue(attributes.contains("; httponly"), setCookie);
    assertTrue(attributes.contains("; samesite=lax"), setCookie);

    JsonObject last = alice.awaitProgress("alice");
    assertNotNull(last);
    assertTrue(last.getBoolean("ready", false), last.encode());
    assertEquals("/user/alice/", last.getString("url"));
    assertEquals(1, Docker.containersOf(wharf.instanceId).size(), "only alice's container runs");
  }

  @Test
  @Order(2)
  void notebookTreePageThroughTheRouter() throws Exception {
    HttpResponse<String> tree = alice.navigate("/user/alice/tree");
    assertEquals(200, tree.statusCode());
    assertTrue(tree.body().contains("data-base-url=\"/user/alice/\""), "Jupyter's tree page served under the user's prefix");
    assertFalse(tree.body().contains(alice.cookie("wharf-session")), "Wharf's cookie never reaches the page");
  }

  @Test
  @Order(3)
  void kernelRunsCodeOverTheWebSocket() throws Exception {
    HttpResponse<String> created = alice.postJson("/user/alice/api/kernels", new JsonObject().put("name", "python3"));
    assertEquals(201, created.statusCode(), created.body());
    String kernel = new JsonObject(created.body()).getString("id");

    assertEquals("2", NotebookKernel.execute(alice, "alice", kernel, "1+1", wharf.base()));

    ExecutionException refused = assertThrows(ExecutionException.class,
      () -> NotebookKernel.execute(alice, "alice", kernel, "1+1", "https://evil.example"));
    assertEquals(403, ((java.net.http.WebSocketHandshakeException) refused.getCause()).getResponse().statusCode());
  }

  @Test
  @Order(4)
  void anotherUsersCookieOrNoneIsRefused() throws Exception {
    HubClient bob = new HubClient(wharf.base());
    assertEquals(302, bob.login("bob", PASSWORD).statusCode());
    try {
      assertTrue(bob.awaitProgress("bob").getBoolean("ready", false));
      assertEquals(403, bob.get("/user/alice/api/status").statusCode());
      assertEquals(403, bob.navigate("/user/alice/tree").statusCode());
    } finally {
      assertEquals(204, bob.delete("/hub/api/users/bob/server").statusCode());
    }

    HubClient anonymous = new HubClient(wharf.base());
    HttpResponse<String> page = anonymous.navigate("/user/alice/tree?x=1");
    assertEquals(302, page.statusCode());
    assertEquals("/hub/login?next=%2Fuser%2Falice%2Ftree%3Fx%3D1", page.headers().firstValue("location").orElseThrow());
    HttpResponse<String> api = anonymous.get("/user/alice/api/status");
    assertEquals(401, api.statusCode());
    assertEquals(401, new JsonObject(api.body()).getInteger("status"));

    HubClient forger = new HubClient(wharf.base());
    String[] parts = alice.cookie("wharf-session").split("\\.");
    forger.setCookie("wharf-session", parts[0] + "." + parts[1] + "." + parts[2].substring(0, parts[2].length() - 4) + "AAAA");
    assertEquals(401, forger.get("/user/alice/api/status").statusCode());
    forger.setCookie("wharf-session", "not-a-jwt");
    assertEquals(401, forger.get("/user/alice/api/status").statusCode());
  }

  @Test
  @Order(5)
  void restartKeepsTheNotebookReachableWithTheSameCookie() throws Exception {
    HttpResponse<String> created = alice.postJson("/user/alice/api/kernels", new JsonObject().put("name", "python3"));
    String kernel = new JsonObject(created.body()).getString("id");
    List<String> before = Docker.containersOf(wharf.instanceId);

    wharf.restart();

    HttpResponse<String> kernels = alice.get("/user/alice/api/kernels");
    assertEquals(200, kernels.statusCode(), kernels.body());
    assertTrue(new JsonArray(kernels.body()).stream().anyMatch(k -> kernel.equals(((JsonObject) k).getString("id"))),
      "the kernel started before the restart is still there: same container");
    assertEquals(before, Docker.containersOf(wharf.instanceId));
    assertEquals("2", NotebookKernel.execute(alice, "alice", kernel, "1+1", wharf.base()));
  }

  @Test
  @Order(6)
  void failingLaunchShowsAClearErrorAndLeavesNoContainer() throws Exception {
    try (WharfProcess broken = new WharfProcess("badimage", Map.of(
      "WHARF_CONTAINERS_IMAGE", "wharf/not-built-here:1",
      "WHARF_CONTAINERS_ALLOWED_IMAGES", "wharf/not-built-here:1")).start()) {
      HubClient user = new HubClient(broken.base());
      assertEquals(302, user.login("admin", WharfProcess.ADMIN_PASSWORD).statusCode());
      JsonObject last = user.awaitProgress("admin");
      assertTrue(last.getBoolean("failed", false), last.encode());
      assertTrue(last.getString("message").contains("wharf/not-built-here:1"), last.getString("message"));
      JsonObject model = new JsonObject(user.get("/hub/api/user?include_stopped_servers").body());
      assertEquals(last.getString("message"), model.getJsonObject("servers").getJsonObject("").getString("error"));
      assertTrue(Docker.containersOf(broken.instanceId).isEmpty(), "no container left behind");

      // Retrying is offered and fails the same clear way, still leaving nothing.
      HttpResponse<String> retry = user.send(user.request("/hub/api/users/admin/server").POST(HttpRequest.BodyPublishers.noBody()).build());
      assertEquals(202, retry.statusCode(), retry.body());
      assertTrue(user.awaitProgress("admin").getBoolean("failed", false));
      assertTrue(Docker.containersOf(broken.instanceId).isEmpty());
    }
  }

  @AfterAll
  void stopServers() throws Exception {
    if (alice != null) {
      assertEquals(204, alice.delete("/hub/api/users/alice/server").statusCode());
    }
    assertTrue(Docker.containersOf(wharf.instanceId).isEmpty(), "every container the tests started is gone");
  }
}
