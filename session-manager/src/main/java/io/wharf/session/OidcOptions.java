package io.wharf.session;

import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.util.List;
import java.util.Set;

import static io.wharf.config.ConfigValues.requiredSection;
import static io.wharf.config.ConfigValues.requiredString;
import static io.wharf.config.ConfigValues.requiredStrings;
import static io.wharf.config.ConfigValues.requiredText;

/**
 * Single sign-on with an OpenID Connect provider, from {@code auth.oidc}; off while the issuer
 * is empty. Every key is read and checked even then, so a mistyped one stops the start.
 *
 * @param issuer        the provider's issuer URL; empty: off
 * @param providerName  what the login page's button names ("Sign in with …")
 * @param redirectUrl   where the provider sends the browser back; empty: this request's own origin
 * @param usernameClaim the claim whose value, in lower case, is the Wharf user name
 * @param allowedUsers  who may sign in, by Wharf user name; with {@code allowedGroups} both empty: anyone
 * @param adminUsers    who is an admin, by user name; with {@code adminGroups} both empty: the flag is left alone
 * @param groupsClaim   the claim that lists a person's groups
 */
public record OidcOptions(String issuer, String providerName, String clientId, String clientSecret, String redirectUrl,
                          List<String> scopes, String usernameClaim, List<String> allowedUsers, List<String> allowedGroups,
                          List<String> adminUsers, List<String> adminGroups, String groupsClaim) {

  /** Where the provider sends the browser back, below this site's origin. */
  public static final String CALLBACK_PATH = "/hub/oidc/callback";

  public OidcOptions {
    scopes = List.copyOf(scopes);
    allowedUsers = List.copyOf(allowedUsers);
    allowedGroups = List.copyOf(allowedGroups);
    adminUsers = List.copyOf(adminUsers);
    adminGroups = List.copyOf(adminGroups);
  }

  /** @param config the whole configuration, as {@code WharfConfig} loads it */
  public static OidcOptions fromJson(JsonObject config) {
    // The section first, so that a section of the wrong type is named as such.
    requiredSection(config, "auth.oidc");
    String issuer = requiredString(config, "auth.oidc.issuer").trim();
    String clientId = requiredString(config, "auth.oidc.client-id").trim();
    String redirect = requiredString(config, "auth.oidc.redirect-url").trim();
    String publicUrl = requiredString(config, "router.public-url").trim();
    List<String> scopes = requiredStrings(config, "auth.oidc.scopes");
    OidcOptions options = new OidcOptions(issuer, requiredString(config, "auth.oidc.provider-name").trim(), clientId,
      requiredString(config, "auth.oidc.client-secret"),
      !redirect.isEmpty() || publicUrl.isEmpty() ? redirect : publicUrl.replaceAll("/+$", "") + CALLBACK_PATH,
      scopes, requiredText(config, "auth.oidc.username-claim"),
      requiredStrings(config, "auth.oidc.allowed-users"), requiredStrings(config, "auth.oidc.allowed-groups"),
      requiredStrings(config, "auth.oidc.admin-users"), requiredStrings(config, "auth.oidc.admin-groups"),
      requiredText(config, "auth.oidc.groups-claim"));
    if (options.enabled()) {
      checkUrl("auth.oidc.issuer", issuer);
      if (clientId.isEmpty()) {
        throw new IllegalArgumentException("auth.oidc.client-id must be set when auth.oidc.issuer is");
      }
      if (!scopes.contains("openid")) {
        throw new IllegalArgumentException("auth.oidc.scopes must include openid, got " + scopes);
      }
      if (!options.redirectUrl().isEmpty()) {
        checkUrl("auth.oidc.redirect-url", options.redirectUrl());
      }
    }
    return options;
  }

  /** An https URL, or http to this machine's loopback (a provider run for tests). */
  private static void checkUrl(String key, String value) {
    URI uri;
    try {
      uri = URI.create(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + " must be a URL, got '" + value + "'");
    }
    boolean loopback = uri.getHost() != null && Set.of("127.0.0.1", "localhost", "[::1]").contains(uri.getHost());
    if (uri.getHost() == null || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()) && loopback)) {
      throw new IllegalArgumentException(key + " must be an https URL (http only to 127.0.0.1 or localhost), got '" + value + "'");
    }
  }

  /** Whether single sign-on is on. */
  public boolean enabled() {
    return !issuer.isEmpty();
  }

  /** The name on the login page's button: {@code provider-name}, or the issuer's host. */
  public String displayName() {
    return providerName.isEmpty() ? URI.create(issuer).getHost() : providerName;
  }

  /** Whether the allow-lists let this person in. */
  public boolean allows(String user, List<String> groups) {
    if (allowedUsers.isEmpty() && allowedGroups.isEmpty()) {
      return true;
    }
    return allowedUsers.contains(user) || groups.stream().anyMatch(allowedGroups::contains);
  }

  /** Whether this person is an admin; null when no admin list is set (the flag is left as it is). */
  public Boolean admin(String user, List<String> groups) {
    if (adminUsers.isEmpty() && adminGroups.isEmpty()) {
      return null;
    }
    return adminUsers.contains(user) || groups.stream().anyMatch(adminGroups::contains);
  }
}
