package io.wharf.session.hub;

import io.wharf.session.testing.HubClient;
import io.wharf.session.testing.HubReply;
import io.wharf.session.testing.HubServerExtension;
import io.wharf.session.testing.HubOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code /hub/admin} (admins only; a 403 page for anyone else signed in) and {@code /hub/token} (anyone signed in). */
class AdminPagesTest {

  @RegisterExtension
  static final HubServerExtension hub = new HubServerExtension();

  private static HubClient client;

  @BeforeAll
  static void users() {
    client = hub.client();
    hub.user("alice");
  }

  @Test
  void theAdminPageIsServedToAnAdminOnly() {
    HubReply admin = client.get("/hub/admin").session(hub.cookie(HubOptions.ADMIN)).send().assertStatus(200);
    assertTrue(admin.body().contains("<title>admin</title>"), admin.body());
    assertEquals("no-store", admin.header("Cache-Control"));

    HubReply user = client.get("/hub/admin").session(hub.cookie("alice")).send().assertStatus(403);
    assertTrue(user.body().contains("<title>forbidden</title>"), user.body());

    client.get("/hub/admin").send().assertRedirect("/hub/login?next=/hub/admin");
  }

  @Test
  void theTokenPageIsServedToAnyoneSignedIn() {
    HubReply page = client.get("/hub/token").session(hub.cookie("alice")).send().assertStatus(200);
    assertTrue(page.body().contains("<title>token</title>"), page.body());
    client.get("/hub/token").send().assertRedirect("/hub/login?next=/hub/token");
  }

  @Test
  void theFunctionsPageIsServedToAnyoneSignedIn() {
    HubReply page = client.get("/hub/functions").session(hub.cookie("alice")).send().assertStatus(200);
    assertTrue(page.body().contains("<title>functions</title>"), page.body());
    assertEquals("no-store", page.header("Cache-Control"));
    client.get("/hub/functions").send().assertRedirect("/hub/login?next=/hub/functions");
  }
}
