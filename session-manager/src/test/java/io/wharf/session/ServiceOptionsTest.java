package io.wharf.session;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wharf.config.WharfConfig;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code auth.services}: JupyterHub services with a token of at least 32 characters, scopes and roles. */
class ServiceOptionsTest {

  private static final String TOKEN = "culler-token-0123456789abcdef0123";

  private static List<ServiceOptions> parse(JsonObject services) {
    JsonObject config = WharfConfig.defaults();
    config.getJsonObject("auth").put("services", services);
    return ServiceOptions.fromJson(config);
  }

  private static String refusal(JsonObject services) {
    return assertThrows(IllegalArgumentException.class, () -> parse(services)).getMessage();
  }

  @Test
  void aServiceHoldsItsScopesAndItsRolesScopesAndOnlyItsTokensHash() {
    ServiceOptions culler = parse(new JsonObject().put("idle-culler", new JsonObject().put("token", TOKEN)
      .put("scopes", new JsonArray().add("list:users")).put("roles", new JsonArray().add("admin")).put("url", "http://127.0.0.1:9"))).get(0);
    assertEquals("idle-culler", culler.name());
    assertTrue(culler.scopes().contains("list:users") && culler.scopes().contains("admin:users"), culler.scopes()::toString);
    assertEquals(Secrets.sha256Hex(TOKEN), culler.tokenHash());
    assertEquals("http://127.0.0.1:9", culler.url());
    assertEquals(List.of(), parse(new JsonObject()));
  }

  @Test
  void aShortTokenAnUnknownSettingOrAnUnknownScopeIsRefusedByName() {
    assertEquals("auth.services.c.token must be at least 32 characters",
      refusal(new JsonObject().put("c", new JsonObject().put("token", TOKEN.substring(0, 31)))));
    assertTrue(refusal(new JsonObject().put("c", new JsonObject().put("token", TOKEN).put("command", "run")))
      .startsWith("auth.services.c.command is not a service setting"));
    assertTrue(refusal(new JsonObject().put("c", new JsonObject().put("token", TOKEN).put("scopes", new JsonArray().add("fly"))))
      .startsWith("auth.services.c: "));
  }
}
