package io.wharf.router.impl;

import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HopByHopHeadersTest {

  @Test
  void removesStandardHopByHopHeaders() {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
      .add("Connection", "keep-alive")
      .add("Keep-Alive", "timeout=5")
      .add("Proxy-Connection", "keep-alive")
      .add("Proxy-Authorization", "Basic abc")
      .add("TE", "trailers")
      .add("Trailer", "Expires")
      .add("Transfer-Encoding", "chunked")
      .add("Upgrade", "h2c")
      .add("Content-Type", "text/html")
      .add("Set-Cookie", "_xsrf=1");
    HopByHopHeaders.strip(headers);
    assertEquals(2, headers.size());
    assertEquals("text/html", headers.get("content-type"));
    assertEquals("_xsrf=1", headers.get("set-cookie"));
  }

  @Test
  void removesHeadersNamedByConnection() {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
      .add("Connection", "close, X-Backend-Secret")
      .add("Connection", " x-other ")
      .add("X-Backend-Secret", "s3cret")
      .add("X-Other", "1")
      .add("X-Kept", "2");
    HopByHopHeaders.strip(headers);
    assertNull(headers.get("x-backend-secret"));
    assertNull(headers.get("x-other"));
    assertFalse(headers.contains("connection"));
    assertTrue(headers.contains("x-kept"));
  }

  @Test
  void containerSeesItsTokenAndNotWharfsCookie() {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
      .add("Cookie", "wharf-session=abc.def.ghi; _xsrf=2|x; other=1")
      .add("Authorization", "token forged-by-client")
      .add("Connection", "keep-alive, X-Client-Hop")
      .add("X-Client-Hop", "1")
      .add("Host", "notebooks.example.org")
      .add("X-Kept", "2");
    MultiMap sent = MultiMap.caseInsensitiveMultiMap();
    ProxyHeaders.copyRequest(headers, sent, "container-token", "wharf-session");
    assertEquals("_xsrf=2|x; other=1", sent.get("cookie"));
    assertEquals("token container-token", sent.get("authorization"));
    assertEquals(1, sent.getAll("authorization").size());
    assertFalse(sent.contains("connection"));
    assertFalse(sent.contains("x-client-hop"), "named by Connection");
    assertFalse(sent.contains("host"), "the proxy sets the authority itself");
    assertEquals("2", sent.get("x-kept"));
  }

  @Test
  void cookieHeaderDisappearsWhenOnlyWharfsCookieWasThere() {
    MultiMap sent = MultiMap.caseInsensitiveMultiMap();
    ProxyHeaders.copyRequest(MultiMap.caseInsensitiveMultiMap().add("Cookie", "wharf-session=abc"), sent, "t", "wharf-session");
    assertFalse(sent.contains("cookie"));
  }

  @Test
  void recognisesHopByHopNamesInAnyCaseAndThoseConnectionNames() {
    for (String name : new String[] {"TE", "trailer", "Upgrade", "CONNECTION", "Keep-Alive", "proxy-connection", "Transfer-Encoding",
      "Proxy-Authenticate", "proxy-authorization"}) {
      assertTrue(HopByHopHeaders.isHopByHop(name), name);
    }
    for (String name : new String[] {"Content-Type", "Cookie", "X-Upgrade", "tea", "Set-Cookie"}) {
      assertFalse(HopByHopHeaders.isHopByHop(name), name);
    }
    assertTrue(HopByHopHeaders.named("keep-alive, X-Backend-Secret ,x-other", "x-backend-secret"));
    assertTrue(HopByHopHeaders.named("keep-alive, X-Backend-Secret ,x-other", "X-Other"));
    assertFalse(HopByHopHeaders.named("keep-alive, X-Backend-Secret-2", "X-Backend-Secret"));
    assertFalse(HopByHopHeaders.named(null, "X-Other"));
  }

  @Test
  void theContainersServerItsCopiesOfTheRoutersOwnHeadersAndCorsGrantsStopAtTheRouterUnlessCorsIsPassed() {
    MultiMap answer = MultiMap.caseInsensitiveMultiMap()
      .add("Server", "TornadoServer/6.2")
      .add("Access-Control-Allow-Origin", "https://evil.example")
      .add("access-control-allow-credentials", "true")
      .add("Connection", "keep-alive, X-Hop")
      .add("X-Hop", "1")
      .add("Content-Type", "application/json")
      .add("Set-Cookie", "_xsrf=1")
      .add("X-Request-Id", "theirs")
      .add("x-wharf-instance", "fake")
      .add("Strict-Transport-Security", "max-age=1");
    MultiMap sent = MultiMap.caseInsensitiveMultiMap();
    ProxyHeaders.copyResponse(answer, sent, false);
    assertEquals(2, sent.size(), sent.toString());
    assertEquals("application/json", sent.get("content-type"));
    assertEquals("_xsrf=1", sent.get("set-cookie"));
    MultiMap passed = MultiMap.caseInsensitiveMultiMap();
    ProxyHeaders.copyResponse(answer, passed, true);
    assertEquals("https://evil.example", passed.get("access-control-allow-origin"));
    assertEquals("true", passed.get("access-control-allow-credentials"));
    assertNull(passed.get("server"));
  }
}
