package io.wharf.router.impl;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WebSocketOriginTest {

  @Test
  void sameOriginIsAllowed() {
    assertTrue(WebSocketTunnelHandler.originAllowed("https://localhost:8443", null, "localhost:8443"));
    assertTrue(WebSocketTunnelHandler.originAllowed("https://nb.example.org", "https://nb.example.org", "10.0.0.1:8443"));
  }

  @Test
  void crossSiteOriginsAreRefused() {
    assertFalse(WebSocketTunnelHandler.originAllowed("https://evil.example", null, "localhost:8443"));
    assertFalse(WebSocketTunnelHandler.originAllowed("http://localhost:8443", null, "localhost:8443"));
    assertFalse(WebSocketTunnelHandler.originAllowed("https://localhost:8443.evil.example", null, "localhost:8443"));
    assertFalse(WebSocketTunnelHandler.originAllowed("https://localhost:8443", "https://nb.example.org", "localhost:8443"));
    assertFalse(WebSocketTunnelHandler.originAllowed("null", null, "localhost:8443"));
  }

  @Test
  void clientsWithoutAnOriginAreNotBrowsers() {
    assertTrue(WebSocketTunnelHandler.originAllowed(null, null, "localhost:8443"));
  }
}
