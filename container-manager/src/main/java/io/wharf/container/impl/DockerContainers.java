package io.wharf.container.impl;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.Volume;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.RestartPolicy;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import io.wharf.container.ContainerAddresses.FailureCodes;
import io.wharf.container.ContainerManagerOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The one holder of a Docker client. Every method blocks, so callers run them on worker threads.
 * Failures leave as {@link ContainerFailure} with a message a user may read.
 */
final class DockerContainers implements AutoCloseable {

  /** What Wharf reads back from a container. {@code hostPort} is 0 when nothing is published. */
  record Inspection(String id, Map<String, String> labels, boolean running, long exitCode, int hostPort, String token,
                    boolean oomKilled, long createdAt) {
  }

  private static final Logger LOG = LoggerFactory.getLogger(DockerContainers.class);

  private final ContainerManagerOptions options;
  private final ExposedPort notebookPort;
  private final DockerClient client;
  // The event stream is one response that never ends, so it gets a client without a response timeout.
  private final DockerClient eventsClient;

  DockerContainers(ContainerManagerOptions options) {
    this.options = options;
    this.notebookPort = ExposedPort.tcp(options.notebookPort());
    DockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
      .withDockerHost(options.dockerHost())
      .build();
    // Stop waits up to 5 s for the notebook to exit, so the response timeout leaves room for it.
    ApacheDockerHttpClient http = new ApacheDockerHttpClient.Builder()
      .dockerHost(config.getDockerHost())
      .sslConfig(config.getSSLConfig())
      .maxConnections(50)
      .connectionTimeout(Duration.ofSeconds(5))
      .responseTimeout(Duration.ofSeconds(60))
      .build();
    this.client = DockerClientImpl.getInstance(config, http);
    this.eventsClient = DockerClientImpl.getInstance(config, new ApacheDockerHttpClient.Builder()
      .dockerHost(config.getDockerHost())
      .sslConfig(config.getSSLConfig())
      .maxConnections(2)
      .connectionTimeout(Duration.ofSeconds(5))
      .build());
  }

  /** The client, for {@link DockerFunctions}' calls. */
  DockerClient client() {
    return client;
  }

  /**
   * Creates and starts the container, attached to {@code networkId} only; one that was created but
   * failed to start is removed here.
   */
  String createAndStart(LaunchPlan plan, String networkId) {
    HostConfig host = HostConfig.newHostConfig()
      .withMemory(plan.profile().memoryBytes())
      .withNanoCPUs(plan.profile().nanoCpus())
      .withPidsLimit(plan.profile().pidsLimit())
      .withCapDrop(Capability.ALL)
      .withSecurityOpts(List.of("no-new-privileges"))
      .withRestartPolicy(RestartPolicy.noRestart())
      // An empty host port asks Docker for an ephemeral one.
      .withPortBindings(new PortBinding(Ports.Binding.bindIp(options.publishHost()), notebookPort));
    // The notebook network only, by id, as its name may for a moment name two (see networks()).
    host.withNetworkMode(networkId);
    if (plan.homeVolume() != null) {
      createHomeVolume(plan);
      host.withBinds(new Bind(plan.homeVolume(), new Volume(options.homePath())));
    }
    String id;
    try {
      id = client.createContainerCmd(plan.image())
        .withName(plan.containerName())
        .withLabels(plan.labels())
        // In the environment, not the command line, so the token stays out of `ps` inside the container.
        .withEnv("JUPYTER_TOKEN=" + plan.token())
        .withCmd(plan.command())
        .withExposedPorts(notebookPort)
        .withHostConfig(host)
        .exec()
        .getId();
    } catch (NotFoundException e) {
      throw DockerFailures.engineMessage(e).toLowerCase().contains("image")
        ? new ContainerFailure(FailureCodes.IMAGE_NOT_FOUND,
            "image " + plan.image() + " is not present on the Docker engine", e)
        : DockerFailures.translate(e, "create container for " + plan.user());
    } catch (RuntimeException e) {
      throw DockerFailures.translate(e, "create container for " + plan.user());
    }
    try {
      client.startContainerCmd(id).exec();
      return id;
    } catch (RuntimeException e) {
      removeQuietly(id);
      throw DockerFailures.translate(e, "start container for " + plan.user());
    }
  }

  /** Creates the server's home volume unless it exists (Docker answers an existing name with it). */
  private void createHomeVolume(LaunchPlan plan) {
    try {
      client.createVolumeCmd().withName(plan.homeVolume()).withLabels(plan.homeLabels(options.instanceId())).exec();
    } catch (RuntimeException e) {
      throw DockerFailures.translate(e, "create the home volume of " + plan.user());
    }
  }

  /**
   * The networks called exactly {@code name}, oldest first. Usually one, but Docker's duplicate
   * check is not atomic: processes that create a network at once may each get one.
   */
  List<Network> networks(String name) {
    try {
      return client.listNetworksCmd().withNameFilter(name).exec().stream()
        .filter(network -> name.equals(network.getName()))
        .sorted(Comparator.comparing((Network network) -> network.getCreated() == null ? new Date(0) : network.getCreated())
          .thenComparing(Network::getId))
        .toList();
    } catch (RuntimeException e) {
      throw DockerFailures.translate(e, "list networks");
    }
  }

  /** Creates a bridge network; one that another process created first counts as created. */
  void createNetwork(String name, Map<String, String> labels, Map<String, String> driverOptions) {
    try {
      client.createNetworkCmd().withName(name).withDriver("bridge").withCheckDuplicate(true)
        .withLabels(labels).withOptions(driverOptions).exec();
    } catch (ConflictException e) {
      // Created meanwhile by another instance on this host.
    } catch (RuntimeException e) {
      throw DockerFailures.translate(e, "create network " + name);
    }
  }

  /** Removes a network; one that is absent counts as removed. */
  void removeNetwork(String id) {
    try {
      client.removeNetworkCmd(id).exec();
    } catch (NotFoundException e) {
      // Already gone.
    } catch (RuntimeException e) {
      throw DockerFailures.translate(e, "remove network " + id);
    }
  }

  /**
   * The volumes carrying all of {@code labels} (a label with an empty value need only be
   * present), by name, with their labels.
   */
  Map<String, Map<String, String>> volumes(Map<String, String> labels) {
    List<String> filter = labels.entrySet().stream()
      .map(label -> label.getValue().isEmpty() ? label.getKey() : label.getKey() + "=" + label.getValue()).toList();
    try {
      var volumes = client.listVolumesCmd().withFilter("label", filter).exec().getVolumes();
      Map<String, Map<String, String>> found = new TreeMap<>();
      if (volumes != null) {
        volumes.forEach(volume -> found.put(volume.getName(), volume.getLabels() == null ? Map.of() : volume.getLabels()));
      }
      return found;
    } catch (RuntimeException e) {
      throw DockerFailures.translate(e, "list volumes");
    }
  }

  /** Removes a home volume; one that is absent counts as removed, one in use fails. */
  void removeVolume(String name) {
    try {
      client.removeVolumeCmd(name).exec();
    } catch (NotFoundException e) {
      // Already gone.
    } catch (RuntimeException e) {
      throw DockerFailures.translate(e, "remove volume " + name);
    }
  }

  /** The engine's version; fails with DOCKER_UNAVAILABLE when it does not answer. */
  String version() {
    try {
      return client.versionCmd().exec().getVersion();
    } catch (RuntimeException e) {
      throw DockerFailures.translate(e, "read the engine version");
    }
  }

  /** Running containers carrying all of {@code labels}, with their labels. */
  List<Container> running(Map<String, String> labels) {
    try {
      return client.listContainersCmd().withStatusFilter(List.of("running")).withLabelFilter(labels).exec();
    } catch (RuntimeException e) {
      throw DockerFailures.translate(e, "list containers");
    }
  }

  /**
   * Follows Docker's container events ({@code die} and {@code oom}) for containers carrying all of
   * {@code labels}, from {@code sinceSeconds} (epoch seconds; 0 for now on). The callback's
   * onError/onComplete tell that the stream ended; closing it stops following.
   */
  <T extends ResultCallback<Event>> T followEvents(Map<String, String> labels, long sinceSeconds, T callback) {
    var cmd = eventsClient.eventsCmd()
      .withEventTypeFilter("container")
      .withEventFilter("die", "oom")
      .withLabelFilter(labels);
    if (sinceSeconds > 0) {
      cmd.withSince(Long.toString(sinceSeconds));
    }
    return cmd.exec(callback);
  }

  Optional<Inspection> inspect(String id) {
    InspectContainerResponse response;
    try {
      response = client.inspectContainerCmd(id).exec();
    } catch (NotFoundException e) {
      return Optional.empty();
    } catch (RuntimeException e) {
      throw DockerFailures.translate(e, "inspect container " + id);
    }
    var state = response.getState();
    var config = response.getConfig();
    Ports ports = response.getNetworkSettings() == null ? null : response.getNetworkSettings().getPorts();
    Ports.Binding[] bindings = ports == null ? null : ports.getBindings().get(notebookPort);
    int hostPort = bindings == null ? 0 : Arrays.stream(bindings)
      .map(Ports.Binding::getHostPortSpec)
      .filter(spec -> spec != null && spec.matches("\\d+"))
      .mapToInt(Integer::parseInt)
      .findFirst().orElse(0);
    String token = config == null || config.getEnv() == null ? null : Arrays.stream(config.getEnv())
      .filter(env -> env.startsWith("JUPYTER_TOKEN="))
      .map(env -> env.substring("JUPYTER_TOKEN=".length()))
      .findFirst().orElse(null);
    Map<String, String> labels = config == null || config.getLabels() == null ? Map.of() : config.getLabels();
    return Optional.of(new Inspection(response.getId(), labels,
      Boolean.TRUE.equals(state.getRunning()),
      state.getExitCodeLong() == null ? -1 : state.getExitCodeLong(),
      hostPort, token, Boolean.TRUE.equals(state.getOOMKilled()), createdMillis(response.getCreated())));
  }

  private static long createdMillis(String created) {
    try {
      return created == null ? 0 : java.time.Instant.parse(created).toEpochMilli();
    } catch (java.time.format.DateTimeParseException e) {
      return 0;
    }
  }

  /** The last lines of the container's output; best effort, empty when they cannot be read. */
  List<String> tailLogs(String id, int lines) {
    List<String> out = new ArrayList<>();
    try (var callback = client.logContainerCmd(id).withStdOut(true).withStdErr(true).withTail(lines)
      .exec(new ResultCallback.Adapter<Frame>() {
        @Override
        public void onNext(Frame frame) {
          synchronized (out) {
            new String(frame.getPayload(), StandardCharsets.UTF_8).lines().forEach(out::add);
          }
        }
      })) {
      callback.awaitCompletion(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException | RuntimeException e) {
      LOG.debug("no logs for {}", id, e);
    }
    synchronized (out) {
      return List.copyOf(out.subList(Math.max(0, out.size() - lines), out.size()));
    }
  }

  /** Gives the notebook 5 s to exit, then removes it; a container already gone counts as done. */
  void stopAndRemove(String id) {
    try {
      client.stopContainerCmd(id).withTimeout(5).exec();
    } catch (NotModifiedException e) {
      // Already stopped.
    } catch (NotFoundException e) {
      return;
    } catch (RuntimeException e) {
      throw DockerFailures.translate(e, "stop container " + id);
    }
    remove(id);
  }

  void remove(String id) {
    try {
      // Anonymous volumes only, such as a function container's socket directory; named ones (homes) are never removed here.
      client.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
    } catch (NotFoundException e) {
      // Already gone.
    } catch (ConflictException e) {
      // Docker answers 409 when another removal of the same container is under way.
      if (!DockerFailures.engineMessage(e).contains("in progress")) {
        throw DockerFailures.translate(e, "remove container " + id);
      }
    } catch (RuntimeException e) {
      throw DockerFailures.translate(e, "remove container " + id);
    }
  }

  /** Ids of the containers, in any state, that carry all of {@code labels}. */
  List<String> listIds(Map<String, String> labels) {
    try {
      return client.listContainersCmd().withShowAll(true).withLabelFilter(labels).exec()
        .stream().map(Container::getId).toList();
    } catch (RuntimeException e) {
      throw DockerFailures.translate(e, "list containers");
    }
  }

  void removeQuietly(String id) {
    try {
      remove(id);
    } catch (RuntimeException e) {
      LOG.warn("could not remove container {}", id, e);
    }
  }

  @Override
  public void close() throws IOException {
    try {
      eventsClient.close();
    } finally {
      client.close();
    }
  }
}
