package io.wharf.session;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wharf.config.WharfConfig;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code auth.oidc}: off by default, checked strictly once an issuer is set. */
class OidcOptionsTest {

  private static JsonObject config(JsonObject oidc) {
    JsonObject config = WharfConfig.defaults();
    config.getJsonObject("auth").getJsonObject("oidc").mergeIn(oidc);
    return config;
  }

  private static JsonObject on() {
    return new JsonObject().put("issuer", "https://id.example.org/realms/x").put("client-id", "wharf");
  }

  private static String refusal(JsonObject config) {
    return assertThrows(IllegalArgumentException.class, () -> OidcOptions.fromJson(config)).getMessage();
  }

  @Test
  void theShippedDefaultsLeaveSingleSignOnOff() {
    OidcOptions options = OidcOptions.fromJson(WharfConfig.defaults());
    assertFalse(options.enabled());
    assertEquals("preferred_username", options.usernameClaim());
    assertEquals(List.of("openid", "profile", "email"), options.scopes());
  }

  @Test
  void anIssuerNeedsAClientIdAnOpenidScopeAndHttpsExceptOnLoopback() {
    assertTrue(refusal(config(on().put("client-id", " "))).startsWith("auth.oidc.client-id "));
    assertTrue(refusal(config(on().put("scopes", new JsonArray().add("profile")))).startsWith("auth.oidc.scopes "));
    assertTrue(refusal(config(on().put("issuer", "http://id.example.org"))).startsWith("auth.oidc.issuer "));
    assertTrue(refusal(config(on().put("redirect-url", "not a url"))).startsWith("auth.oidc.redirect-url "));
    assertTrue(OidcOptions.fromJson(config(on().put("issuer", "http://127.0.0.1:9000"))).enabled());
  }

  @Test
  void theRedirectUrlComesFromThePublicUrlUnlessSet() {
    JsonObject config = config(on());
    config.getJsonObject("router").put("public-url", "https://wharf.example.org/");
    assertEquals("https://wharf.example.org/hub/oidc/callback", OidcOptions.fromJson(config).redirectUrl());
    config.getJsonObject("auth").getJsonObject("oidc").put("redirect-url", "https://other.example.org/hub/oidc/callback");
    assertEquals("https://other.example.org/hub/oidc/callback", OidcOptions.fromJson(config).redirectUrl());
    assertEquals("", OidcOptions.fromJson(config(on())).redirectUrl(), "from each request");
  }

  @Test
  void allowListsAndAdminListsTakeUsersOrGroups() {
    OidcOptions open = OidcOptions.fromJson(config(on()));
    assertTrue(open.allows("anyone", List.of()));
    assertNull(open.admin("anyone", List.of("wharf-admins")), "no admin lists: the flag is left alone");
    assertEquals("id.example.org", open.displayName());

    OidcOptions closed = OidcOptions.fromJson(config(on().put("allowed-users", new JsonArray().add("ann"))
      .put("allowed-groups", new JsonArray().add("staff")).put("admin-users", new JsonArray().add("root"))));
    assertTrue(closed.allows("ann", List.of()));
    assertTrue(closed.allows("bob", List.of("staff")));
    assertFalse(closed.allows("eve", List.of("visitors")));
    assertTrue(closed.admin("root", List.of()));
    assertFalse(closed.admin("ann", List.of("staff")));
  }
}
