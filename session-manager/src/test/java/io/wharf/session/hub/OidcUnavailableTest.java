package io.wharf.session.hub;

import io.vertx.core.json.JsonObject;
import io.wharf.config.WharfConfig;
import io.wharf.session.testing.HubClient;
import io.wharf.session.testing.HubOptions;
import io.wharf.session.testing.HubReply;
import io.wharf.session.testing.HubServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A provider that does not answer: a 503 page that says so, and the password form still works. */
class OidcUnavailableTest {

  @RegisterExtension
  static final HubServerExtension hub = new HubServerExtension(new HubOptions().auth(new JsonObject().put("oidc",
    WharfConfig.defaults().getJsonObject("auth").getJsonObject("oidc").copy()
      .put("issuer", "http://127.0.0.1:" + closedPort()).put("client-id", "wharf"))));

  /** A port nothing listens on. */
  private static int closedPort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void aProviderThatDoesNotAnswerGivesA503PageWithRetryAfter() {
    HubReply reply = hub.client().get("/hub/oidc/login").send();
    assertEquals(503, reply.status(), reply.body());
    assertEquals("30", reply.header("Retry-After"));
    assertTrue(reply.body().contains("did not answer"), reply.body());
    assertFalse(reply.body().contains("Exception") || reply.body().contains("java."), reply.body());
    assertNull(reply.setCookie(HubOptions.COOKIE));
  }

  @Test
  void thePasswordFormStillWorks() {
    String token = hub.client().xsrfToken();
    HubReply reply = hub.client().post("/hub/login").cookie(HubClient.XSRF_COOKIE, token)
      .form("username", HubOptions.ADMIN, "password", HubOptions.ADMIN_PASSWORD, HubClient.XSRF_HEADER, token).send();
    assertEquals(302, reply.status());
    assertEquals(HubOptions.ADMIN, hub.client().get("/hub/api/user").session(reply.setCookie(HubOptions.COOKIE)).send().json(200)
      .getString("name"));
  }

  @Test
  void theButtonNamesTheIssuersHostWithoutAProviderName() {
    assertEquals("127.0.0.1", hub.client().get("/hub/oidc/provider").send().json(200).getString("name"));
  }
}
