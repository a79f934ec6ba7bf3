package io.wharf.server.it;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A notebook driven with nothing but a JupyterHub API token, as automation does, against the real
 * engine and image: start the server, create a kernel through the router, run {@code 1+1} over
 * the kernel's WebSocket, then revoke the token and be refused.
 */
@ExtendWith(WharfExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NotebookTokenIT {

  private static final String USER = "tokenuser";

  private HubClient admin;

  @Test
  void aTokenAloneStartsTheServerAndRunsCodeInAKernelUntilItIsRevoked(WharfProcess wharf) throws Exception {
    admin = new HubClient(wharf.base());
    assertEquals(302, admin.login("admin", WharfProcess.ADMIN_PASSWORD).statusCode());
    HttpResponse<String> created = admin.postJson("/hub/api/users/" + USER, new JsonObject().put("password", "correct-horse-battery"));
    assertEquals(201, created.statusCode(), created.body());
    HttpResponse<String> issued = admin.postJson("/hub/api/users/" + USER + "/tokens", new JsonObject().put("note", "automation"));
    assertEquals(201, issued.statusCode(), issued.body());
    JsonObject token = new JsonObject(issued.body());

    HubClient robot = new HubClient(wharf.base());
    robot.useToken(token.getString("token"));
    HttpResponse<String> start = robot.send(robot.request("/hub/api/users/" + USER + "/server")
      .POST(HttpRequest.BodyPublishers.noBody()).build());
    assertTrue(start.statusCode() == 201 || start.statusCode() == 202, start.statusCode() + " " + start.body());
    assertTrue(robot.awaitProgress(USER).getBoolean("ready", false));

    HttpResponse<String> kernel = robot.postJson("/user/" + USER + "/api/kernels", new JsonObject().put("name", "python3"));
    assertEquals(201, kernel.statusCode(), kernel.body());
    String kernelId = new JsonObject(kernel.body()).getString("id");
    assertEquals("2", NotebookKernel.execute(robot, USER, kernelId, "1+1", wharf.base()));
    assertNull(robot.cookie("wharf-session"), "no cookie was ever needed");

    HttpResponse<String> status = robot.send(robot.request("/user/" + USER + "/api/status?token=" + token.getString("token")).GET().build());
    assertEquals(200, status.statusCode(), "the token query parameter works too, and Jupyter does not see it");

    assertEquals(204, admin.delete("/hub/api/users/" + USER + "/tokens/" + token.getString("id")).statusCode());
    long revoked = System.currentTimeMillis();
    int code;
    do {
      code = robot.get("/user/" + USER + "/api/status").statusCode();
    } while (code == 200 && System.currentTimeMillis() - revoked < 5_000);
    assertEquals(401, code);
    assertTrue(System.currentTimeMillis() - revoked <= 1_500, "refused within a second of the revocation");
  }

  @AfterAll
  void removeTheUser() throws Exception {
    if (admin != null) {
      admin.delete("/hub/api/users/" + USER + "/server");
      admin.delete("/hub/api/users/" + USER);
    }
  }
}
