package io.wharf.session.hub;

import io.wharf.session.testing.HubServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** With the shipped configuration (no issuer), there is no single sign-on. */
class OidcOffTest {

  @RegisterExtension
  static final HubServerExtension hub = new HubServerExtension();

  @Test
  void withoutAnIssuerTheButtonIsHiddenAndTheRoutesAre404() {
    hub.client().get("/hub/oidc/provider").send().assertError(404);
    assertEquals(404, hub.client().get("/hub/oidc/login").send().status());
    assertEquals(404, hub.client().get("/hub/oidc/callback?code=x&state=y").send().status());
  }
}
