package io.wharf.router.impl;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.wharf.router.impl.RouterExtension.Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every HTTPS answer carries HSTS: pages, redirects, 404s inside and outside /hub, refusals, both HTTP versions. */
class StrictTransportSecurityTest {

  @RegisterExtension
  static final RouterExtension router = new RouterExtension();

  private static final String HSTS = "max-age=31536000";

  private static void assertHsts(int status, Reply reply) {
    assertEquals(status, reply.status(), () -> "status; body " + reply.body());
    assertEquals(HSTS, reply.header("Strict-Transport-Security"), () -> "HSTS on " + status);
  }

  @Test
  void everyKindOfAnswerCarriesHsts() throws Exception {
    assertHsts(200, router.get("/hub/health"));
    assertHsts(404, router.get("/"));
    assertHsts(404, router.get("/favicon.ico"));
    assertHsts(404, router.get("/hub/no-such-page"));
    assertHsts(405, router.send(HttpMethod.POST, "/hub/health", Buffer.buffer("x")));
    assertHsts(401, router.get("/user/alice/api/status"));
    assertHsts(302, router.get("/user/alice/tree", "Accept", "text/html"));
    assertHsts(404, router.getOverHttp2("/favicon.ico"));
    assertHsts(200, router.getOverHttp2("/hub/health"));
  }

  @Test
  void aProxiedAnswerCarriesHsts() throws Exception {
    router.put(router.notebook().running("alice", ""));
    assertHsts(200, router.get("/user/alice/api/status", "Cookie", router.cookie("alice")));
  }
}
