package io.wharf.server;

import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.util.List;

import static io.wharf.config.ConfigValues.requiredBoolean;
import static io.wharf.config.ConfigValues.requiredStrings;
import static io.wharf.config.ConfigValues.requiredText;

/**
 * What this process is, from the {@code instance} section: its id, the roles it runs, where it
 * keeps its files, and whether it asks for the native transport.
 */
record InstanceOptions(String id, List<String> roles, Path dataDir, boolean nativeTransport) {

  static final String ROUTER = "router";
  static final String SESSION_MANAGER = "session-manager";
  static final String CONTAINER_MANAGER = "container-manager";
  private static final List<String> ROLES = List.of(ROUTER, SESSION_MANAGER, CONTAINER_MANAGER);

  InstanceOptions {
    roles = List.copyOf(roles);
  }

  static InstanceOptions fromJson(JsonObject config) {
    List<String> roles = requiredStrings(config, "instance.roles");
    if (roles.isEmpty()) {
      throw new IllegalArgumentException("instance.roles must name at least one of " + String.join(", ", ROLES));
    }
    for (String role : roles) {
      if (!ROLES.contains(role)) {
        throw new IllegalArgumentException("instance.roles may hold " + String.join(", ", ROLES) + ", not '" + role + "'");
      }
    }
    return new InstanceOptions(
      requiredText(config, "instance.id"),
      roles,
      Path.of(requiredText(config, "instance.data-dir")).toAbsolutePath(),
      requiredBoolean(config, "instance.native-transport"));
  }

  boolean runs(String role) {
    return roles.contains(role);
  }
}
