package io.wharf.container;

import io.vertx.core.json.JsonObject;

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

  /** Reads the profiles from the {@code containers} section; a bad value fails at start-up. */
  public static LimitProfiles fromJson(JsonObject containers) {
    LimitProfile fallback = profile(DEFAULT, containers, null);
    Map<String, LimitProfile> named = new LinkedHashMap<>();
    Object section = containers.getValue("profiles");
    if (section != null && !(section instanceof JsonObject)) {
      throw new IllegalArgumentException("containers.profiles must be a mapping of profile names to limits");
    }
    if (section instanceof JsonObject profiles) {
      for (String name : profiles.fieldNames()) {
        if (!NAME.matcher(name).matches() || DEFAULT.equals(name)) {
          throw new IllegalArgumentException("profile name must match " + NAME.pattern() + " and not be '"
            + DEFAULT + "' (the default profile is containers.memory, cpus and pids): " + name);
        }
        Object limits = profiles.getValue(name);
        if (!(limits instanceof JsonObject json)) {
          throw new IllegalArgumentException("profile " + name + " must be a mapping such as {memory: 4g, cpus: 2}");
        }
        named.put(name, profile(name, json, fallback));
      }
    }
    return new LimitProfiles(fallback, named);
  }

  private static LimitProfile profile(String name, JsonObject json, LimitProfile fallback) {
    String prefix = fallback == null ? "" : "profile " + name + ": ";
    try {
      long memory = json.containsKey("memory") || fallback == null
        ? ConfigValues.parseMemory(json.getValue("memory", "1g")) : fallback.memoryBytes();
      double cpus = ConfigValues.number(json, "cpus", fallback == null ? 1.0 : fallback.cpus()).doubleValue();
      if (!(cpus > 0) || cpus > 1024) {
        throw new IllegalArgumentException("cpus out of range: " + cpus);
      }
      long nanoCpus = Math.round(cpus * 1_000_000_000L);
      long pids = ConfigValues.positive("pids",
        ConfigValues.number(json, "pids", fallback == null ? 512 : fallback.pidsLimit()).longValue(), Long.MAX_VALUE);
      String description = fallback == null ? "" : json.getString("description", "");
      if (description.isBlank()) {
        description = LimitProfile.describe(memory, nanoCpus, pids);
      }
      return new LimitProfile(name, description, memory, nanoCpus, pids,
        fallback == null ? Set.of() : Set.copyOf(ConfigValues.strings(json.getValue("users"))));
    } catch (IllegalArgumentException | ClassCastException e) {
      throw new IllegalArgumentException(prefix + e.getMessage(), e);
    }
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
