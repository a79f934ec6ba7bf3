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
      .add("Connection", "keep-alive");
    BackendOrigin.prepare(headers, "container-token", "wharf-session");
    assertEquals("_xsrf=2|x; other=1", headers.get("cookie"));
    assertEquals("token container-token", headers.get("authorization"));
    assertEquals(1, headers.getAll("authorization").size());
    assertFalse(headers.contains("connection"));
  }

  @Test
  void cookieHeaderDisappearsWhenOnlyWharfsCookieWasThere() {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Cookie", "wharf-session=abc");
    BackendOrigin.prepare(headers, "t", "wharf-session");
    assertFalse(headers.contains("cookie"));
  }
}
