package io.wharf.router.impl;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WebSocketOriginTest {

  @Test
  void sameOriginIsAllowed() {
    assertTrue(WebSocketTunnel.originAllowed("https://localhost:8443", null, "localhost:8443"));
    assertTrue(WebSocketTunnel.originAllowed("https://nb.example.org", "https://nb.example.org", "10.0.0.1:8443"));
  }

  @Test
  void crossSiteOriginsAreRefused() {
    assertFalse(WebSocketTunnel.originAllowed("https://evil.example", null, "localhost:8443"));
    assertFalse(WebSocketTunnel.originAllowed("http://localhost:8443", null, "localhost:8443"));
    assertFalse(WebSocketTunnel.originAllowed("https://localhost:8443.evil.example", null, "localhost:8443"));
    assertFalse(WebSocketTunnel.originAllowed("https://localhost:8443", "https://nb.example.org", "localhost:8443"));
    assertFalse(WebSocketTunnel.originAllowed("null", null, "localhost:8443"));
  }

  @Test
  void clientsWithoutAnOriginAreNotBrowsers() {
    assertTrue(WebSocketTunnel.originAllowed(null, null, "localhost:8443"));
  }
}
