package io.wharf.container;

import io.vertx.core.json.JsonObject;

import java.util.Set;

/**
 * The resource limits a server runs with: memory, CPU and processes. The default profile comes
 * from {@code containers.memory}, {@code cpus} and {@code pids}; named ones from
 * {@code containers.profiles}.
 *
 * @param name        profile name; {@link LimitProfiles#DEFAULT} for the default one
 * @param description what users read when they choose
 * @param memoryBytes memory limit in bytes (also the memory it reserves on its instance)
 * @param nanoCpus    CPU limit in billionths of a CPU
 * @param pidsLimit   most processes and threads in the container
 * @param users       who may choose it; empty for everyone (admins may always)
 */
public record LimitProfile(String name, String description, long memoryBytes, long nanoCpus, long pidsLimit,
                           Set<String> users) {

  public LimitProfile {
    users = Set.copyOf(users);
  }

  public boolean isDefault() {
    return LimitProfiles.DEFAULT.equals(name);
  }

  /** The name as a server's record and its container's label keep it: empty for the default. */
  public String recordedName() {
    return isDefault() ? "" : name;
  }

  public boolean allows(String user, boolean admin) {
    return admin || users.isEmpty() || users.contains(user);
  }

  public double cpus() {
    return nanoCpus / 1e9;
  }

  /** The profile as the API shows it; who may use it stays with the operator. */
  public JsonObject toJson() {
    return new JsonObject()
      .put("name", name)
      .put("description", description)
      .put("default", isDefault())
      .put("memory", memoryBytes)
      .put("cpus", cpus())
      .put("pids", pidsLimit);
  }

  static String describe(long memoryBytes, long nanoCpus, long pidsLimit) {
    String memory = memoryBytes % (1L << 30) == 0 ? (memoryBytes >> 30) + " GiB"
      : memoryBytes % (1L << 20) == 0 ? (memoryBytes >> 20) + " MiB" : memoryBytes + " bytes";
    double cpus = nanoCpus / 1e9;
    String cpu = cpus == Math.rint(cpus) ? Long.toString((long) cpus) : Double.toString(cpus);
    return memory + " memory, " + cpu + (cpus == 1.0 ? " CPU, " : " CPUs, ") + pidsLimit + " processes";
  }
}
