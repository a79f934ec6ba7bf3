package io.wharf.server;

import io.vertx.core.json.JsonObject;

import java.util.List;

import static io.wharf.config.ConfigValues.requiredInt;
import static io.wharf.config.ConfigValues.requiredString;
import static io.wharf.config.ConfigValues.requiredStrings;
import static io.wharf.config.ConfigValues.requiredText;

/**
 * The Hazelcast member this instance is, from the {@code cluster} section.
 *
 * @param advertiseAddress where other members, and the clustered event bus, reach this one
 * @param members          the TCP-IP member list; empty for a single embedded member
 * @param secret           what every member must present to join; empty for none
 */
record ClusterOptions(String name, int port, String advertiseAddress, List<String> members, String secret,
                      int failureDetectionSeconds) {

  ClusterOptions {
    members = List.copyOf(members);
  }

  static ClusterOptions fromJson(JsonObject config) {
    return new ClusterOptions(
      requiredText(config, "cluster.name"),
      requiredInt(config, "cluster.port", 1, 65535),
      requiredText(config, "cluster.advertise-address"),
      requiredStrings(config, "cluster.members"),
      requiredString(config, "cluster.secret"),
      requiredInt(config, "cluster.failure-detection-seconds", 1, 3_600));
  }
}
