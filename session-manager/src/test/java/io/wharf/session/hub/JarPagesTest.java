package io.wharf.session.hub;

import io.wharf.session.testing.HubClient;
import io.wharf.session.testing.HubOptions;
import io.wharf.session.testing.HubReply;
import io.wharf.session.testing.HubServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With no {@code router.static-dir}, the hub serves the pages packaged in the jar: found from
 * any working directory (the tests run in session-manager/, which has no static/).
 */
class JarPagesTest {

  @RegisterExtension
  static final HubServerExtension hub = new HubServerExtension(new HubOptions().jarPages());

  @Test
  void theLoginAndLogoutPagesComeFromTheJar() {
    assertFalse(Files.exists(Path.of("static", "login.html")), "no static/ in the working directory");
    HubClient client = hub.client();
    HubReply login = client.get("/hub/login").send().assertStatus(200);
    assertTrue(login.body().contains("<form id=\"login-form\""), login.body());
    assertTrue(login.header("Content-Type").startsWith("text/html"), login.header("Content-Type"));
    HubReply logout = client.get("/hub/logout").send().assertStatus(200);
    assertTrue(logout.body().contains("action=\"/hub/logout\""), logout.body());
  }

  @Test
  void theProgressPageComesFromTheJar() {
    hub.user("alice");
    HubReply pending = hub.client().get("/hub/spawn-pending/alice").session(hub.cookie("alice")).send().assertStatus(200);
    assertTrue(pending.body().contains("<title>Starting your server · Wharf</title>"), pending.body());
  }
}
