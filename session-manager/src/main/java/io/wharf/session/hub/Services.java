package io.wharf.session.hub;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wharf.session.Scopes;
import io.wharf.session.Secrets;
import io.wharf.session.ServiceOptions;

import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/** The configured JupyterHub services ({@link ServiceOptions}): who calls with a service's token, and their models. */
final class Services {

  /** A service, with the scopes its token holds (expanded; {@code self} means nothing for a service). */
  record Service(ServiceOptions options, Set<String> scopes) {

    JsonObject model() {
      return new JsonObject()
        .put("kind", "service")
        .put("name", options.name())
        .put("admin", options.roles().contains("admin"))
        .put("roles", new JsonArray(options.roles()))
        .put("url", options.url())
        .put("prefix", null)
        .put("command", new JsonArray())
        .put("info", new JsonObject());
    }

    Scopes.Caller caller(String tokenId) {
      return new Scopes.Caller(options.name(), null, scopes, false, tokenId, user -> Set.of());
    }
  }

  private final List<Service> services;

  Services(List<ServiceOptions> options) {
    this.services = options.stream()
      .map(o -> new Service(o, Scopes.expand(o.scopes(), null, Set.of())))
      .sorted(Comparator.comparing(s -> s.options().name()))
      .toList();
  }

  /** The service whose token this is, or null; compared in constant time. */
  Service byToken(String token) {
    byte[] hash = Secrets.sha256Hex(token).getBytes(StandardCharsets.US_ASCII);
    Service found = null;
    for (Service service : services) {
      if (MessageDigest.isEqual(hash, service.options().tokenHash().getBytes(StandardCharsets.US_ASCII))) {
        found = service;
      }
    }
    return found;
  }

  List<Service> all() {
    return services;
  }
}
