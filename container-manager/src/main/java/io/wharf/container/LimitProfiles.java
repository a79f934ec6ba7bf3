package io.wharf.container;

import io.vertx.core.json.JsonObject;
import io.wharf.config.ConfigValues;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The limit profiles of the {@code containers} configuration: the default one, from
 * {@code memory}, {@code cpus} and {@code pids}, and the named ones under {@code profiles}. A
 * named profile takes from the default whatever it leaves out. Every instance of a cluster must
 * have the same profiles: the session manager checks a choice against its own, and the container
 * manager that launches applies its own.
 */
public final class LimitProfiles {

  public static final String DEFAULT = "default";

  // Names end up in labels and in the API, so the same characters as user names.
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

  private final LimitProfile defaultProfile;
  private final Map<String, LimitProfile> named;

  private LimitProfiles(LimitProfile defaultProfile, Map<String, LimitProfile> named) {
    this.defaultProfile = defaultProfile;
    this.named = Collections.unmodifiableMap(named);
  }

  /**
   * Reads the profiles from the {@code containers} section of the whole configuration; a bad
   * value fails at start-up, naming its key.
   */
  public static LimitProfiles fromJson(JsonObject config) {
    long memory = ConfigValues.requiredMemory(config, "containers.memory");
    long nanoCpus = nanoCpus("containers.cpus", ConfigValues.required(config, "containers.cpus"));
    long pids = ConfigValues.requiredLong(config, "containers.pids", 1, Long.MAX_VALUE);
    LimitProfile fallback = new LimitProfile(DEFAULT, LimitProfile.describe(memory, nanoCpus, pids), memory, nanoCpus, pids, Set.of());
    Map<String, LimitProfile> named = new LinkedHashMap<>();
    JsonObject profiles = ConfigValues.requiredSection(config, "containers.profiles");
    for (String name : profiles.fieldNames()) {
      String key = "containers.profiles." + name;
      if (!NAME.matcher(name).matches() || DEFAULT.equals(name)) {
        throw new IllegalArgumentException(key + ": a profile's name must match " + NAME.pattern() + " and not be '"
          + DEFAULT + "' (the default profile is containers.memory, cpus and pids)");
      }
      if (!(profiles.getValue(name) instanceof JsonObject limits)) {
        throw new IllegalArgumentException(key + " must be a mapping such as {memory: 4g, cpus: 2}");
      }
      named.put(name, profile(key, name, limits, fallback));
    }
    return new LimitProfiles(fallback, named);
  }

  /** A named profile: what it leaves out comes from the default one. */
  private static LimitProfile profile(String key, String name, JsonObject json, LimitProfile fallback) {
    long memory = json.containsKey("memory") ? ConfigValues.memory(key + ".memory", json.getValue("memory")) : fallback.memoryBytes();
    long nanoCpus = json.containsKey("cpus") ? nanoCpus(key + ".cpus", json.getValue("cpus")) : fallback.nanoCpus();
    long pids = json.containsKey("pids")
      ? ConfigValues.wholeNumber(key + ".pids", json.getValue("pids"), 1, Long.MAX_VALUE) : fallback.pidsLimit();
    String description = json.containsKey("description") ? ConfigValues.string(key + ".description", json.getValue("description")) : "";
    Set<String> users = json.containsKey("users") ? Set.copyOf(ConfigValues.strings(key + ".users", json.getValue("users"))) : Set.of();
    return new LimitProfile(name, description.isBlank() ? LimitProfile.describe(memory, nanoCpus, pids) : description,
      memory, nanoCpus, pids, users);
  }

  static long nanoCpus(String key, Object value) {
    // More than 0: the smallest share Docker takes is a billionth of a CPU.
    double cpus = ConfigValues.number(key, value, 1e-9, 1024);
    return Math.round(cpus * 1_000_000_000L);
  }

  public LimitProfile defaultProfile() {
    return defaultProfile;
  }

  /** The profile called {@code name}; null or empty, or {@value #DEFAULT}, is the default one. */
  public Optional<LimitProfile> get(String name) {
    if (name == null || name.isEmpty() || DEFAULT.equals(name)) {
      return Optional.of(defaultProfile);
    }
    return Optional.ofNullable(named.get(name));
  }

  /** Every profile, the default first. */
  public List<LimitProfile> all() {
    List<LimitProfile> all = new ArrayList<>(named.size() + 1);
    all.add(defaultProfile);
    all.addAll(named.values());
    return all;
  }

  /** The profiles {@code user} may choose, the default first. */
  public List<LimitProfile> availableTo(String user, boolean admin) {
    return all().stream().filter(p -> p.allows(user, admin)).toList();
  }
}
