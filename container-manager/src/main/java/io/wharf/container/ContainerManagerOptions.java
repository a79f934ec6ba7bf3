package io.wharf.container;

import io.vertx.core.json.JsonObject;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import static io.wharf.config.ConfigValues.memory;
import static io.wharf.config.ConfigValues.required;
import static io.wharf.config.ConfigValues.requiredInt;
import static io.wharf.config.ConfigValues.requiredLong;
import static io.wharf.config.ConfigValues.requiredMatching;
import static io.wharf.config.ConfigValues.requiredString;
import static io.wharf.config.ConfigValues.requiredStrings;
import static io.wharf.config.ConfigValues.requiredText;

/**
 * Configuration of the container-manager role, read once at boot from the {@code containers}
 * section of {@code conf/wharf.yaml} (where every default lives), with {@code instance.id} and
 * {@code cluster.advertise-address}; a bad value stops the start instead of failing the first
 * launch.
 *
 * @param advertiseAddress where the containers this instance publishes are reachable by other instances
 * @param network          the Docker network every container is attached to, alone (never Docker's default bridge,
 *                         where notebooks could reach each other)
 * @param maxMemoryBytes   memory the limits of this instance's servers may reserve in total; 0 for no limit
 * @param isolation        what the containers may reach, and who keeps them from the host
 */
public record ContainerManagerOptions(
  String instanceId,
  String dockerHost,
  String image,
  Set<String> allowedImages,
  List<String> command,
  int notebookPort,
  String publishHost,
  String advertiseAddress,
  LimitProfiles profiles,
  String readyPath,
  long readyTimeoutMillis,
  long readyIntervalMillis,
  String network,
  int maxContainers,
  long maxMemoryBytes,
  String homeVolume,
  String homePath,
  IsolationOptions isolation) {

  // The instance id ends up in labels, container names and event-bus addresses.
  private static final Pattern INSTANCE_ID = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}");
  // A Docker network name; required, since on Docker's default bridge notebooks could reach each other.
  private static final Pattern NETWORK = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}");

  public ContainerManagerOptions {
    allowedImages = Set.copyOf(allowedImages);
    command = List.copyOf(command);
  }

  /** @param config the whole configuration, as {@code WharfConfig} loads it */
  public static ContainerManagerOptions fromJson(JsonObject config) {
    String instanceId = requiredMatching(config, "instance.id", INSTANCE_ID);
    String image = requiredText(config, "containers.image");
    Set<String> allowed = new LinkedHashSet<>();
    for (String entry : requiredStrings(config, "containers.allowed-images")) {
      allowed.add(normalizeImage(entry));
    }
    // A default image that may not be launched would fail every launch that relies on it.
    if (!allowed.contains(normalizeImage(image))) {
      throw new IllegalArgumentException("containers.image " + image + " is not on containers.allowed-images " + allowed);
    }
    List<String> command = requiredStrings(config, "containers.command");
    if (command.isEmpty()) {
      throw new IllegalArgumentException("containers.command must not be empty");
    }
    return new ContainerManagerOptions(
      instanceId,
      requiredText(config, "containers.docker-host"),
      image,
      allowed,
      command,
      requiredInt(config, "containers.notebook-port", 1, 65535),
      requiredText(config, "containers.publish-host"),
      requiredText(config, "cluster.advertise-address"),
      LimitProfiles.fromJson(config),
      requiredString(config, "containers.ready-path"),
      requiredLong(config, "containers.ready-timeout-seconds", 1, 86_400) * 1000,
      requiredLong(config, "containers.ready-interval-ms", 1, 60_000),
      requiredMatching(config, "containers.network", NETWORK),
      requiredInt(config, "containers.max-containers", 1, 100_000),
      maxMemory(config),
      homeVolume(config),
      requiredText(config, "containers.home-path"),
      IsolationOptions.fromJson(config));
  }

  /** The default limit profile. */
  public LimitProfile defaultProfile() {
    return profiles.defaultProfile();
  }

  /** Whether each user gets a persistent named volume mounted at {@link #homePath()}. */
  public boolean homes() {
    return homeVolume != null && !homeVolume.isBlank();
  }

  /**
   * The home volume template; when set it must hold {@code {account}}: a volume named after the
   * user alone would be mounted into a later account of the same name.
   */
  private static String homeVolume(JsonObject config) {
    String template = requiredString(config, "containers.home-volume");
    if (!template.isBlank() && !template.contains("{account}")) {
      throw new IllegalArgumentException("containers.home-volume must contain {account} (the account id), or be empty: "
        + template);
    }
    return template;
  }

  /** Memory that may be reserved on this instance; "0" means no limit. */
  private static long maxMemory(JsonObject config) {
    Object value = required(config, "containers.max-memory");
    return "0".equals(String.valueOf(value).trim()) ? 0 : memory("containers.max-memory", value);
  }

  public boolean isAllowed(String image) {
    return allowedImages.contains(normalizeImage(image));
  }

  /** {@code wharf/jupyter} and {@code wharf/jupyter:latest} name the same image, as for Docker. */
  static String normalizeImage(String image) {
    String name = image.trim();
    int slash = name.lastIndexOf('/');
    boolean tagged = name.indexOf(':', slash + 1) >= 0 || name.contains("@");
    return tagged ? name : name + ":latest";
  }
}
