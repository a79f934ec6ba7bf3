package io.wharf.container.impl;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wharf.container.ConfigValues;
import io.wharf.container.IsolationOptions;
import io.wharf.container.LimitProfile;
import io.wharf.container.LimitProfiles;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import static io.wharf.container.ConfigValues.number;
import static io.wharf.container.ConfigValues.positive;

/**
 * Configuration of the container manager, read once at deployment; a bad value fails the
 * deployment instead of the first launch.
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

  static final List<String> DEFAULT_COMMAND = List.of(
    "jupyter-notebook", "--ip=0.0.0.0", "--port=8888", "--no-browser", "--NotebookApp.base_url={base_url}");

  static final String DEFAULT_NETWORK = "wharf-notebooks";
  private static final Pattern NETWORK = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}");

  // The instance id ends up in labels, container names and event-bus addresses.
  private static final Pattern INSTANCE_ID = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}");

  public ContainerManagerOptions {
    allowedImages = Set.copyOf(allowedImages);
    command = List.copyOf(command);
  }

  public static ContainerManagerOptions fromJson(JsonObject json) {
    String instanceId = json.getString("instance-id", "local");
    if (!INSTANCE_ID.matcher(instanceId).matches()) {
      throw new IllegalArgumentException("instance-id must match " + INSTANCE_ID.pattern() + ": " + instanceId);
    }
    String image = json.getString("image", "wharf/jupyter:latest");
    Set<String> allowed = new LinkedHashSet<>();
    for (String entry : ConfigValues.strings(json.getValue("allowed-images", new JsonArray().add(image)))) {
      allowed.add(normalizeImage(entry));
    }
    // A default image that may not be launched would fail every launch that relies on it.
    if (!allowed.contains(normalizeImage(image))) {
      throw new IllegalArgumentException("image " + image + " is not on allowed-images " + allowed);
    }
    List<String> command = json.containsKey("command")
      ? json.getJsonArray("command").stream().map(String::valueOf).toList()
      : DEFAULT_COMMAND;
    if (command.isEmpty()) {
      throw new IllegalArgumentException("command must not be empty");
    }
    String publishHost = json.getString("publish-host", "127.0.0.1");
    return new ContainerManagerOptions(
      instanceId,
      json.getString("docker-host", "unix:///var/run/docker.sock"),
      image,
      allowed,
      command,
      (int) positive("notebook-port", number(json, "notebook-port", 8888).longValue(), 65535),
      publishHost,
      json.getString("advertise-address", publishHost),
      LimitProfiles.fromJson(json),
      json.getString("ready-path", "{base_url}api/status"),
      positive("ready-timeout-seconds", number(json, "ready-timeout-seconds", 60).longValue(), 86_400) * 1000,
      positive("ready-interval-ms", number(json, "ready-interval-ms", 200).longValue(), 60_000),
      network(json.getString("network", DEFAULT_NETWORK)),
      (int) positive("max-containers", number(json, "max-containers", 100).longValue(), 100_000),
      maxMemory(json.getValue("max-memory", "0")),
      json.getString("home-volume", "wharf-home-{user}"),
      json.getString("home-path", "/home/jovyan"),
      IsolationOptions.fromJson(json));
  }

  /** Required: on Docker's default bridge, notebooks could reach each other. */
  private static String network(String name) {
    if (!NETWORK.matcher(name).matches()) {
      throw new IllegalArgumentException("network must match " + NETWORK.pattern() + ": '" + name + "'");
    }
    return name;
  }

  /** The default limit profile. */
  public LimitProfile defaultProfile() {
    return profiles.defaultProfile();
  }

  /** Whether each user gets a persistent named volume mounted at {@link #homePath()}. */
  public boolean homes() {
    return homeVolume != null && !homeVolume.isBlank();
  }

  /** Memory that may be reserved on this instance; "0" (the default) means no limit. */
  private static long maxMemory(Object value) {
    return "0".equals(String.valueOf(value).trim()) ? 0 : ConfigValues.parseMemory(value);
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
