package io.wharf.session;

import io.vertx.core.json.JsonObject;
import io.wharf.config.ConfigValues;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A JupyterHub service as {@code auth.services} configures it: a name, the API token it calls
 * with, and what that token may do ({@code scopes}, and the scopes of {@code roles}). Wharf
 * neither starts nor proxies services; {@code url} is shown in the service's model only.
 *
 * <pre>
 * auth:
 *   services:
 *     idle-culler: {token: "...", scopes: [list:users, read:users:activity, read:servers, delete:servers]}
 * </pre>
 *
 * @param tokenHash hex SHA-256 of the token (the token itself is not kept)
 * @param scopes    the scopes and the roles' scopes, as configured (not expanded)
 */
public record ServiceOptions(String name, String tokenHash, List<String> roles, Set<String> scopes, String url) {

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
  private static final Set<String> KEYS = Set.of("token", "scopes", "roles", "url");
  private static final int MIN_TOKEN = 32;

  /** The services of {@code auth.services}, checked: a bad entry names its key. */
  public static List<ServiceOptions> fromJson(JsonObject config) {
    JsonObject services = ConfigValues.requiredSection(config, "auth.services");
    List<ServiceOptions> parsed = new ArrayList<>();
    Set<String> hashes = new LinkedHashSet<>();
    for (String name : services.fieldNames()) {
      String key = "auth.services." + name;
      if (!NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(key + ": a service's name must match " + NAME.pattern());
      }
      JsonObject entry = ConfigValues.requiredSection(config, key);
      for (String field : entry.fieldNames()) {
        if (!KEYS.contains(field)) {
          throw new IllegalArgumentException(key + "." + field + " is not a service setting (token, scopes, roles, url)");
        }
      }
      String token = ConfigValues.requiredString(config, key + ".token");
      if (token.length() < MIN_TOKEN) {
        throw new IllegalArgumentException(key + ".token must be at least " + MIN_TOKEN + " characters");
      }
      List<String> roles = entry.containsKey("roles") ? ConfigValues.requiredStrings(config, key + ".roles") : List.of();
      Set<String> scopes = new LinkedHashSet<>();
      try {
        scopes.addAll(Scopes.ofRoles(roles));
        for (String scope : entry.containsKey("scopes") ? ConfigValues.requiredStrings(config, key + ".scopes") : List.<String>of()) {
          scopes.add(Scopes.valid(scope));
        }
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
      }
      String hash = Secrets.sha256Hex(token);
      if (!hashes.add(hash)) {
        throw new IllegalArgumentException(key + ".token is another service's token");
      }
      String url = entry.containsKey("url") ? ConfigValues.requiredString(config, key + ".url") : "";
      parsed.add(new ServiceOptions(name, hash, List.copyOf(roles), Set.copyOf(scopes), url));
    }
    return List.copyOf(parsed);
  }
}
