package io.wharf.session.hub;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wharf.session.Scopes;
import io.wharf.session.testing.HubClient;
import io.wharf.session.testing.HubOptions;
import io.wharf.session.testing.HubReply;
import io.wharf.session.testing.HubServerExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The root, info, services, proxy, token identification, user changes, activity and shutdown. */
class JupyterHubApiTest {

  private static final String SERVICE_TOKEN = "service-token-0123456789abcdef0123456789abcdef";

  @RegisterExtension
  static final HubServerExtension hub = new HubServerExtension(new HubOptions().auth(new JsonObject()
    .put("services", new JsonObject()
      .put("announcer", new JsonObject().put("token", SERVICE_TOKEN).put("scopes", List.of("read:users!group=none", "list:services"))
        .put("url", "http://127.0.0.1:9999"))
      .put("monitor", new JsonObject().put("token", "monitor-token-0123456789abcdef0123456789abcdef")
        .put("roles", List.of("admin"))))));

  private static HubClient client;
  private static String admin;

  @BeforeAll
  static void users() {
    client = hub.client();
    admin = hub.adminToken();
    hub.user("api-ann");
    hub.user("api-bob");
  }

  @Test
  void theRootAnswersTheVersionWithoutCredentialsAndEveryAnswerCarriesIt() {
    HubReply root = client.get("/hub/api").send();
    assertEquals(InfoApi.JUPYTERHUB_VERSION, root.json(200).getString("version"));
    assertEquals(InfoApi.JUPYTERHUB_VERSION, root.header("X-JupyterHub-Version"));
    assertEquals(InfoApi.JUPYTERHUB_VERSION, client.get("/hub/api/").send().json(200).getString("version"));
    HubReply refused = client.get("/hub/api/users").send();
    refused.assertError(403);
    assertEquals(InfoApi.JUPYTERHUB_VERSION, refused.header("X-JupyterHub-Version"));
    assertTrue(client.get("/hub/api/no/such/thing").token(admin).send().assertError(404).contains("no such API path"));
  }

  @Test
  void infoNeedsReadHub() {
    JsonObject info = client.get("/hub/api/info").token(admin).send().json(200);
    assertEquals(InfoApi.JUPYTERHUB_VERSION, info.getString("version"));
    assertNotNull(info.getJsonObject("spawner").getString("class"));
    client.get("/hub/api/info").token(hub.token("api-ann", Scopes.READ_USERS)).send().assertError(403);
  }

  @Test
  void aServiceCallsWithItsTokenAndHoldsOnlyItsScopes() {
    JsonObject self = client.get("/hub/api/user").token(SERVICE_TOKEN).send().json(200);
    assertEquals("service", self.getString("kind"));
    assertEquals("announcer", self.getString("name"));
    assertTrue(self.getJsonArray("scopes").contains("list:services"), self::encode);
    client.get("/hub/api/users/api-ann").token(SERVICE_TOKEN).send().assertError(403);
    client.get("/hub/api/services/announcer").token(SERVICE_TOKEN).send().assertError(403);
    List<Object> names = client.get("/hub/api/services").token(SERVICE_TOKEN).send().array(200).getList();
    assertEquals(2, names.size());

    JsonObject model = client.get("/hub/api/services/announcer").token(admin).send().json(200);
    assertEquals("http://127.0.0.1:9999", model.getString("url"));
    assertEquals(false, model.getValue("admin"));
    assertEquals(true, client.get("/hub/api/services/monitor").token(admin).send().json(200).getValue("admin"));
    client.get("/hub/api/services/nobody").token(admin).send().assertError(404);
    // A service with the admin role reads users.
    client.get("/hub/api/users/api-bob").token("monitor-token-0123456789abcdef0123456789abcdef").send().json(200);
  }

  @Test
  void aTokenIsIdentifiedAsItsOwnersModel() {
    String secret = client.post("/hub/api/users/api-ann/tokens").token(admin).json("{\"note\": \"who\"}").send().json(201)
      .getString("token");
    JsonObject owner = client.get("/hub/api/authorizations/token/" + secret).token(SERVICE_TOKEN).send().json(200);
    assertEquals("api-ann", owner.getString("name"));
    assertEquals("service", client.get("/hub/api/authorizations/token/" + SERVICE_TOKEN).token(admin).send().json(200)
      .getString("kind"));
    client.get("/hub/api/authorizations/token/not-a-token").token(admin).send().assertError(404);
    client.get("/hub/api/authorizations/token/" + secret).send().assertError(403);
    client.post("/hub/api/authorizations/token").token(admin).send().assertError(404);
  }

  @Test
  void theProxyTableListsRunningServersAndSyncIsANoOp() {
    client.post("/hub/api/users/api-bob/servers/table").token(admin).send().assertStatus(202);
    JsonObject table = client.get("/hub/api/proxy").token(admin).send().json(200);
    JsonObject route = table.getJsonObject("/user/api-bob/table/");
    assertEquals("/user/api-bob/table/", route.getString("routespec"));
    assertTrue(route.getString("target").startsWith("http://"), route::encode);
    assertEquals("api-bob", route.getJsonObject("data").getString("user"));
    JsonObject paged = client.get("/hub/api/proxy?limit=1").token(admin).header("Accept", "application/jupyterhub-pagination+json")
      .send().json(200);
    assertEquals(1, paged.getJsonObject("items").size());
    client.post("/hub/api/proxy").token(admin).send().assertStatus(200);
    client.patch("/hub/api/proxy").token(admin).json(new JsonObject().put("ip", "127.0.0.1")).send().assertStatus(200);
    client.get("/hub/api/proxy").token(hub.token("api-bob", Scopes.SERVERS)).send().assertError(403);
    client.delete("/hub/api/users/api-bob/servers/table").token(admin).send().assertStatus(204);
  }

  @Test
  void patchChangesAdminAndRefusesARenameOrAnUnknownUser() {
    JsonObject promoted = client.patch("/hub/api/users/api-bob").token(admin).json(new JsonObject().put("admin", true)).send().json(200);
    assertEquals(true, promoted.getValue("admin"));
    assertEquals(new JsonArray().add("admin").add("user"), promoted.getJsonArray("roles"));
    assertTrue(client.get("/hub/api/users/api-ann").token(hub.token("api-bob", Scopes.INHERIT)).send().json(200).containsKey("name"),
      "an admin now");
    client.patch("/hub/api/users/api-bob").token(admin).json(new JsonObject().put("admin", false)).send().json(200);
    client.get("/hub/api/users/api-ann").token(hub.token("api-bob", Scopes.INHERIT)).send().assertError(403);
    client.patch("/hub/api/users/api-bob").token(admin).json(new JsonObject().put("name", "robert")).send().assertError(400);
    client.patch("/hub/api/users/api-bob").token(admin).json(new JsonObject().put("admin", "yes")).send().assertError(400);
    client.patch("/hub/api/users/api-bob").token(admin).json(new JsonObject()).send().assertError(400);
    client.patch("/hub/api/users/ghost").token(admin).json(new JsonObject().put("admin", true)).send().assertError(404);
    client.patch("/hub/api/users/api-ann").token(hub.token("api-bob", Scopes.INHERIT)).json(new JsonObject().put("admin", true)).send()
      .assertError(403);
  }

  @Test
  void activityMovesLastActivityForwardOnly() {
    String ann = hub.token("api-ann", Scopes.INHERIT);
    Instant later = Instant.parse("2030-01-01T00:00:00Z");
    client.post("/hub/api/users/api-ann/activity").token(ann).json(new JsonObject().put("last_activity", later.toString())).send()
      .assertStatus(200);
    client.post("/hub/api/users/api-ann/activity").token(ann).json(new JsonObject().put("last_activity", "2020-01-01T00:00:00Z"))
      .send().assertStatus(200);
    assertEquals(later, Instant.parse(client.get("/hub/api/users/api-ann").token(ann).send().json(200).getString("last_activity")));
    client.post("/hub/api/users/api-ann/activity").token(ann).json(new JsonObject().put("servers",
      new JsonObject().put("nope", new JsonObject().put("last_activity", later.toString())))).send().assertError(400);
    client.post("/hub/api/users/api-ann/activity").token(ann).json(new JsonObject().put("last_activity", "yesterday")).send()
      .assertError(400);
    client.post("/hub/api/users/api-bob/activity").token(ann).json(new JsonObject()).send().assertError(403);
    client.post("/hub/api/users/ghost/activity").token(admin).json(new JsonObject()).send().assertError(404);
  }

  @Test
  void shutdownAnswers202ThenStopsAndRefusesToStopServers() throws InterruptedException {
    client.post("/hub/api/shutdown").token(hub.token("api-ann", Scopes.INHERIT)).send().assertError(403);
    client.post("/hub/api/shutdown").token(admin).json(new JsonObject().put("servers", true)).send().assertError(400);
    client.post("/hub/api/shutdown").token(admin).json(new JsonObject().put("proxy", "no")).send().assertError(400);
    CountDownLatch stopped = new CountDownLatch(1);
    hub.onShutdown(stopped::countDown);
    assertFalse(stopped.await(0, TimeUnit.MILLISECONDS));
    client.post("/hub/api/shutdown").token(admin).json(new JsonObject().put("proxy", false)).send().assertStatus(202);
    assertTrue(stopped.await(5, TimeUnit.SECONDS), "the instance was told to stop once the answer was sent");
  }
}
