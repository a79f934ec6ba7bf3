package io.wharf.container.impl;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

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
  long memoryBytes,
  long nanoCpus,
  long pidsLimit,
  String readyPath,
  long readyTimeoutMillis,
  long readyIntervalMillis,
  String network,
  int maxContainers,
  long maxMemoryBytes,
  String homeVolume,
  String homePath) {

  static final List<String> DEFAULT_COMMAND = List.of(
    "jupyter-notebook", "--ip=0.0.0.0", "--port=8888", "--no-browser", "--NotebookApp.base_url={base_url}");

  // The instance id ends up in labels, container names and event-bus addresses.
  private static final Pattern INSTANCE_ID = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}");
  private static final Pattern MEMORY = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmg]?)b?");

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
    Object listed = json.getValue("allowed-images", new JsonArray().add(image));
    // An environment override gives a comma-separated string rather than a list.
    Iterable<?> entries = listed instanceof JsonArray array ? array : List.of(listed.toString().split(","));
    for (Object entry : entries) {
      if (!entry.toString().isBlank()) {
        allowed.add(normalizeImage(entry.toString()));
      }
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
    double cpus = number(json, "cpus", 1.0).doubleValue();
    if (!(cpus > 0)) {
      throw new IllegalArgumentException("cpus must be positive: " + cpus);
    }
    return new ContainerManagerOptions(
      instanceId,
      json.getString("docker-host", "unix:///var/run/docker.sock"),
      image,
      allowed,
      command,
      (int) positive("notebook-port", number(json, "notebook-port", 8888).longValue(), 65535),
      publishHost,
      json.getString("advertise-address", publishHost),
      parseMemory(json.getValue("memory", "1g")),
      Math.round(cpus * 1_000_000_000L),
      positive("pids", number(json, "pids", 512).longValue(), Long.MAX_VALUE),
      json.getString("ready-path", "{base_url}api/status"),
      positive("ready-timeout-seconds", number(json, "ready-timeout-seconds", 60).longValue(), 86_400) * 1000,
      positive("ready-interval-ms", number(json, "ready-interval-ms", 200).longValue(), 60_000),
      json.getString("network"),
      (int) positive("max-containers", number(json, "max-containers", 100).longValue(), 100_000),
      maxMemory(json.getValue("max-memory", "0")),
      json.getString("home-volume", "wharf-home-{user}"),
      json.getString("home-path", "/home/jovyan"));
  }

  /** Whether each user gets a persistent named volume mounted at {@link #homePath()}. */
  public boolean homes() {
    return homeVolume != null && !homeVolume.isBlank();
  }

  /** Memory that may be reserved on this instance; "0" (the default) means no limit. */
  private static long maxMemory(Object value) {
    return "0".equals(String.valueOf(value).trim()) ? 0 : parseMemory(value);
  }

  public boolean isAllowed(String image) {
    return allowedImages.contains(normalizeImage(image));
  }

  /** Bytes from a Docker-style size such as {@code 512m}, {@code 1g} or a plain byte count. */
  static long parseMemory(Object value) {
    if (value instanceof Number number) {
      return positive("memory", number.longValue(), Long.MAX_VALUE);
    }
    var matcher = MEMORY.matcher(String.valueOf(value).trim().toLowerCase(Locale.ROOT));
    if (!matcher.matches()) {
      throw new IllegalArgumentException("memory must be a size such as 512m or 1g: " + value);
    }
    int shift = switch (matcher.group(2)) {
      case "k" -> 10;
      case "m" -> 20;
      case "g" -> 30;
      default -> 0;
    };
    long bytes = new BigDecimal(matcher.group(1)).multiply(BigDecimal.valueOf(1L << shift)).longValue();
    return positive("memory", bytes, Long.MAX_VALUE);
  }

  /** {@code wharf/jupyter} and {@code wharf/jupyter:latest} name the same image, as for Docker. */
  static String normalizeImage(String image) {
    String name = image.trim();
    int slash = name.lastIndexOf('/');
    boolean tagged = name.indexOf(':', slash + 1) >= 0 || name.contains("@");
    return tagged ? name : name + ":latest";
  }

  // Environment overrides of the YAML configuration arrive as strings.
  private static Number number(JsonObject json, String key, Number fallback) {
    Object value = json.getValue(key);
    if (value == null) {
      return fallback;
    }
    if (value instanceof Number number) {
      return number;
    }
    try {
      return new BigDecimal(value.toString().trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a number: " + value);
    }
  }

  private static long positive(String key, long value, long max) {
    if (value <= 0 || value > max) {
      throw new IllegalArgumentException(key + " out of range: " + value);
    }
    return value;
  }
}
