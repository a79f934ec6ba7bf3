package io.wharf.container.impl;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Driver;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.RestartPolicy;
import com.github.dockerjava.api.model.Volume;
import com.github.dockerjava.api.model.VolumeOptions;
import io.wharf.container.ContainerAddresses.FailureCodes;
import io.wharf.container.ContainerManagerOptions;
import io.wharf.container.FunctionContainerOptions;
import io.wharf.container.FunctionLaunchSpec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * The Docker calls of registered functions, on {@link DockerContainers}' client: function
 * containers (the notebook image running the runtime, the snapshot and the runtime mounted
 * read-only, no home, a read-only root filesystem, a tmpfs {@code /tmp}, every capability dropped,
 * an unprivileged user, on the isolated notebook network) and snapshots of a folder of a home,
 * read through a helper container that is created (never started) with the home mounted read-only.
 * Every method blocks.
 */
final class DockerFunctions {

  static final String LABEL_KIND = "wharf.kind";
  static final String KIND_FUNCTION = "function";
  static final String LABEL_FUNCTION = "wharf.function";
  static final String LABEL_VERSION = "wharf.version";
  /** A warm-pool container: started generic, given its function's snapshot when claimed. */
  static final String LABEL_WARM = "wharf.warm";
  /** The name of a warm container's own directory under the warm root, so a later run can keep it with the container. */
  static final String LABEL_WARM_DIR = "wharf.warm-dir";
  static final String RUNTIME_RESOURCE = "wharf-function-runtime/wharf_runtime.py";

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
  private static final Pattern VERSION = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern NOT_IN_DOCKER_NAME = Pattern.compile("[^a-zA-Z0-9_.-]");
  // The runtime runs as nobody: it needs to read the snapshot and nothing of the image's users.
  private static final String USER = "65534:65534";
  /**
   * Where the runtime also listens on a Unix socket: a directory of its own, an anonymous volume on a small tmpfs (so the
   * function's code cannot fill the host's disk through it), removed with the container. A router on the engine's host
   * calls the runtime there, without Docker's port relay and without TCP.
   */
  static final String SOCKET_DIR = "/run/wharf";
  static final String SOCKET_NAME = "rt";
  // sun_path holds 108 bytes with its terminating NUL; a longer host path (a long Docker data root) leaves the port only.
  private static final int MAX_SOCKET_PATH = 100;

  private final ContainerManagerOptions options;
  private final FunctionContainerOptions functions;
  private final DockerClient client;
  private final ExposedPort runtimePort;
  private Path runtimeDir;

  DockerFunctions(ContainerManagerOptions options, FunctionContainerOptions functions, DockerClient client) {
    this.options = options;
    this.functions = functions;
    this.client = client;
    this.runtimePort = ExposedPort.tcp(functions.runtimePort());
  }

  /**
   * The runtime and the snapshot (or, for a warm container, its own directory where a claim puts one), read-only; and
   * only where a test configured one, its writable directory.
   */
  private List<Bind> binds(Path snapshot, String mountPoint) {
    List<Bind> binds = new ArrayList<>(List.of(new Bind(runtimeDir().toString(), new Volume("/runtime"), AccessMode.ro),
      new Bind(snapshot.toString(), new Volume(mountPoint), AccessMode.ro)));
    if (functions.testMount() != null) {
      binds.add(new Bind(functions.testMount().toString(), new Volume("/wharf-test"), AccessMode.rw));
    }
    return binds;
  }

  /** Refuses a spec whose owner, function or version could not name a container or a snapshot. */
  static void validate(FunctionLaunchSpec spec) {
    if (spec.owner() == null || !NAME.matcher(spec.owner()).matches() || spec.function() == null
      || !NAME.matcher(spec.function()).matches()) {
      throw ContainerFailure.badRequest("owner and function must match " + NAME.pattern());
    }
    if (spec.version() == null || !VERSION.matcher(spec.version()).matches()) {
      throw ContainerFailure.badRequest("version must be a snapshot's SHA-256 in hex");
    }
  }

  /** The directory of a published snapshot; BAD_REQUEST when this instance has none of that version. */
  Path snapshotDir(String version) {
    Path snapshot = functions.snapshotRoot().resolve(version);
    if (!Files.isDirectory(snapshot)) {
      throw ContainerFailure.badRequest("there is no snapshot " + version + " on instance " + options.instanceId());
    }
    return snapshot;
  }

  /** Creates and starts a function container attached to {@code networkId} only; removed again if it fails to start. */
  String start(FunctionLaunchSpec spec, String networkId) {
    validate(spec);
    Path snapshot = snapshotDir(spec.version());
    Map<String, String> labels = new HashMap<>(Map.of(LaunchPlan.LABEL_OWNER, spec.owner(), LABEL_FUNCTION, spec.function(),
      LABEL_VERSION, spec.version()));
    return create(spec.owner() + "-" + spec.function(), labels, binds(snapshot, "/snapshot"), "/snapshot", networkId);
  }

  /**
   * Creates and starts a generic container for the warm pool: its runtime loads nothing (an empty
   * {@code WHARF_SNAPSHOT_DIR}) and sees only {@code dir}, its own, at {@code /snapshots}.
   */
  String startWarm(Path dir, String networkId) {
    return create("warm", new HashMap<>(Map.of(LABEL_WARM, "true", LABEL_WARM_DIR, dir.getFileName().toString())), binds(dir, "/snapshots"), "",
      networkId);
  }

  private String create(String what, Map<String, String> labels, List<Bind> binds, String snapshotDir, String networkId) {
    HostConfig host = HostConfig.newHostConfig()
      .withMemory(functions.memoryBytes())
      .withNanoCPUs(functions.nanoCpus())
      .withPidsLimit(functions.pidsLimit())
      .withCapDrop(Capability.ALL)
      .withSecurityOpts(List.of("no-new-privileges"))
      .withReadonlyRootfs(true)
      .withTmpFs(Map.of("/tmp", "rw,nosuid,nodev,size=64m"))
      .withRestartPolicy(RestartPolicy.noRestart())
      .withPortBindings(new PortBinding(Ports.Binding.bindIp(options.publishHost()), runtimePort))
      .withBinds(binds)
      .withMounts(List.of(socketMount()))
      .withNetworkMode(networkId);
    labels.putAll(Map.of(LaunchPlan.LABEL_MANAGED, "true", LaunchPlan.LABEL_INSTANCE, options.instanceId(), LABEL_KIND, KIND_FUNCTION,
      LaunchPlan.LABEL_MEMORY, Long.toString(functions.memoryBytes())));
    String name = NOT_IN_DOCKER_NAME.matcher("wharf-" + options.instanceId() + "-fn-" + what + "-"
      + String.format("%06x", ThreadLocalRandom.current().nextInt(1 << 24))).replaceAll("_");
    String id;
    try {
      id = client.createContainerCmd(options.image())
        .withName(name)
        .withLabels(labels)
        .withUser(USER)
        .withEnv("WHARF_RUNTIME_PORT=" + functions.runtimePort(), "WHARF_SNAPSHOT_DIR=" + snapshotDir, "HOME=/tmp",
          "WHARF_RUNTIME_SOCKET=" + SOCKET_DIR + "/" + SOCKET_NAME,
          "PYTHONDONTWRITEBYTECODE=1", "PYTHONUNBUFFERED=1")
        .withCmd("python3", "/runtime/wharf_runtime.py")
        .withExposedPorts(runtimePort)
        .withHostConfig(host)
        .exec()
        .getId();
    } catch (RuntimeException e) {
      throw DockerFailures.translate(e, "create a container for function " + what);
    }
    try {
      client.startContainerCmd(id).exec();
      return id;
    } catch (RuntimeException e) {
      remove(id);
      throw DockerFailures.translate(e, "start a container for function " + what);
    }
  }

  private Mount socketMount() {
    return new Mount().withType(MountType.VOLUME).withTarget(SOCKET_DIR).withVolumeOptions(new VolumeOptions()
      .withLabels(Map.of(LaunchPlan.LABEL_MANAGED, "true", LaunchPlan.LABEL_INSTANCE, options.instanceId(), LABEL_KIND, KIND_FUNCTION))
      .withDriverConfig(new Driver().withName("local").withOptions(Map.of("type", "tmpfs", "device", "tmpfs",
        "o", "size=64k,nr_inodes=16,uid=65534,gid=65534,mode=0700"))));
  }

  /**
   * Where a function container's runtime is reached from this host.
   *
   * @param port   the host port its runtime's port is published on; 0 when there is none
   * @param socket the host path of its runtime's Unix socket; empty when it has none or the path is too long for one
   */
  record Published(int port, String socket) {
  }

  /** The host path of the socket in a socket directory mounted from {@code source}; empty when too long for a socket. */
  static String socketPath(String source) {
    String path = source + "/" + SOCKET_NAME;
    return path.getBytes(StandardCharsets.UTF_8).length <= MAX_SOCKET_PATH ? path : "";
  }

  /** Where the runtime of container {@code id} is reached. */
  Published published(String id) {
    try {
      var container = client.inspectContainerCmd(id).exec();
      var settings = container.getNetworkSettings();
      Ports.Binding[] bindings = settings == null || settings.getPorts() == null ? null : settings.getPorts().getBindings().get(runtimePort);
      int port = bindings == null ? 0 : Arrays.stream(bindings).map(Ports.Binding::getHostPortSpec)
        .filter(spec -> spec != null && spec.matches("\\d+")).mapToInt(Integer::parseInt).findFirst().orElse(0);
      String socket = container.getMounts() == null ? "" : container.getMounts().stream()
        .filter(mount -> mount.getDestination() != null && SOCKET_DIR.equals(mount.getDestination().getPath()) && mount.getSource() != null)
        .map(mount -> socketPath(mount.getSource()))
        .findFirst().orElse("");
      return new Published(port, socket);
    } catch (RuntimeException e) {
      throw DockerFailures.translate(e, "inspect function container " + id);
    }
  }

  /**
   * Copies {@code folder} of {@code user}'s home into {@code snapshotRoot/<sha256>} and returns the
   * SHA-256; an identical folder gives the same snapshot.
   */
  String snapshot(String user, String account, String folder) throws IOException {
    if (!options.homes()) {
      throw ContainerFailure.badRequest("users have no homes on this server (containers.home-volume is empty)");
    }
    if (user == null || !NAME.matcher(user).matches() || folder == null || folder.isEmpty() || folder.startsWith("/")
      || Arrays.asList(folder.split("/")).contains("..")) {
      throw ContainerFailure.badRequest("a snapshot needs a user and a folder inside the home");
    }
    if (account == null || !LaunchPlan.ACCOUNT.matcher(account).matches()) {
      throw ContainerFailure.badRequest("a snapshot needs the owner's account id, matching " + LaunchPlan.ACCOUNT.pattern());
    }
    String volume = LaunchPlan.substitute(options.homeVolume(), Map.of("user", user, "account", account, "server", "", "base_url", ""));
    try {
      client.inspectVolumeCmd(volume).exec();
    } catch (NotFoundException e) {
      throw ContainerFailure.badRequest(user + " has no home yet: start a server once");
    } catch (RuntimeException e) {
      throw DockerFailures.translate(e, "inspect the home volume of " + user);
    }
    String helper;
    try {
      // Never started, never on a network: Docker mounts the volume to copy out of it.
      helper = client.createContainerCmd(options.image())
        .withLabels(Map.of(LABEL_KIND, "snapshot", LaunchPlan.LABEL_INSTANCE, options.instanceId()))
        .withCmd("true")
        .withNetworkDisabled(true)
        .withHostConfig(HostConfig.newHostConfig().withNetworkMode("none")
          .withBinds(new Bind(volume, new Volume(options.homePath()), AccessMode.ro)))
        .exec().getId();
    } catch (RuntimeException e) {
      throw DockerFailures.translate(e, "create a snapshot helper for " + user);
    }
    try (InputStream tar = client.copyArchiveFromContainerCmd(helper, options.homePath() + "/" + folder).exec()) {
      return SnapshotArchive.store(tar, functions.snapshotRoot());
    } catch (NotFoundException e) {
      throw ContainerFailure.badRequest("there is no folder " + folder + " in the home of " + user);
    } finally {
      remove(helper);
    }
  }

  /** The directory holding the runtime: the configured one, or the jar's copy written under the data directory once. */
  synchronized Path runtimeDir() {
    if (runtimeDir != null) {
      return runtimeDir;
    }
    if (functions.runtimeDir() != null) {
      runtimeDir = functions.runtimeDir();
      return runtimeDir;
    }
    Path dir = functions.dataDir().resolve("functions").resolve("runtime");
    try (InputStream in = DockerFunctions.class.getClassLoader().getResourceAsStream(RUNTIME_RESOURCE)) {
      if (in == null) {
        throw new ContainerFailure(FailureCodes.DOCKER_ERROR, "the function runtime is not in this build; set functions.runtime-dir");
      }
      Files.createDirectories(dir);
      Path file = dir.resolve("wharf_runtime.py");
      Files.write(file, in.readAllBytes());
      SnapshotArchive.readable(dir);
    } catch (IOException e) {
      throw new ContainerFailure(FailureCodes.DOCKER_ERROR, "the function runtime could not be written: " + e.getMessage());
    }
    runtimeDir = dir;
    return dir;
  }

  /** Removes a container, quietly: one already gone is fine. */
  void remove(String id) {
    try {
      client.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
    } catch (RuntimeException e) {
      // Gone already, or left for the engine's own clean-up.
    }
  }
}
