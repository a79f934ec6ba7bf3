package io.wharf.container.impl;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wharf.config.WharfConfig;
import io.wharf.container.ContainerInfo;
import io.wharf.container.ContainerManager;
import io.wharf.container.ContainerManagerOptions;
import io.wharf.container.ContainerManagerRole;
import io.wharf.container.IsolationOptions;
import io.wharf.container.LaunchSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Against the local Docker engine, as root: alice's notebook (wharf/jupyter:latest, published on
 * 127.0.0.1) and bob's (wharf/bench-static:latest, published on this host's own address, as a
 * cluster publishes on its advertise address) are launched through two container managers on a
 * network of the test's own. From inside alice's container, with {@code docker exec} and Python,
 * every path to bob and to the host must be refused at once, while the host still reaches both.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IsolationIT {

  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final String NETWORK = "wharf-it-" + RUN;
  private static final String ALICE_INSTANCE = "it-" + RUN + "-a";
  private static final String BOB_INSTANCE = "it-" + RUN + "-b";
  // A connection attempt from inside the container: one line per target, with the time it took.
  private static final String PROBE = String.join("\n",
    "import socket, sys, time",
    "for target in sys.argv[1:]:",
    "    host, port = target.rsplit(':', 1)",
    "    start = time.monotonic()",
    "    try:",
    "        socket.create_connection((host, int(port)), timeout=2).close()",
    "        result = 'connected'",
    "    except OSError as e:",
    "        result = 'refused: ' + (e.strerror or type(e).__name__)",
    "    print(target, int((time.monotonic() - start) * 1000), result)");
  /** What the firewall's icmp-admin-prohibited answer looks like to a connecting program. */
  private static final String REJECTED = "refused: No route to host";

  private static Vertx vertx;
  private static DockerContainers docker;
  private static ServerSocket listener;
  private static ContainerInfo alice;
  private static ContainerInfo bob;
  private static String bobIp;
  private static String gateway;
  private static String bridge;
  private static List<String> hostAddresses;

  @BeforeAll
  static void launch() throws Exception {
    long start = System.nanoTime();
    vertx = Vertx.vertx();
    docker = new DockerContainers(ContainerManagerOptions.fromJson(WharfConfig.defaults()));
    assertTrue(docker.networks(NETWORK).isEmpty());
    hostAddresses = hostAddresses();
    String publishedAddress = hostAddresses.stream().filter(IsolationIT::isPrimary).findFirst().orElse("127.0.0.1");
    // Stands in for Hazelcast, the event bus and the metrics port: listening on every address.
    listener = new ServerSocket(0, 50, InetAddress.getByName("0.0.0.0"));
    Thread acceptor = new Thread(IsolationIT::acceptAndClose, "it-listener");
    acceptor.setDaemon(true);
    acceptor.start();

    // A long check interval, so that the manager does not restore the rules while the control step has them removed.
    JsonObject common = new JsonObject().put("network", NETWORK).put("home-volume", "").put("firewall-check-seconds", 3600)
      .put("ready-timeout-seconds", 60);
    // Both at once, as instances sharing a host may start: they must settle on one network.
    // Bob's instance publishes on, and advertises, the host's own address, as a cluster member does.
    await(Future.all(ContainerManagerRole.deploy(vertx, options(ALICE_INSTANCE, "127.0.0.1", common), null),
      ContainerManagerRole.deploy(vertx, options(BOB_INSTANCE, publishedAddress, common.copy()
        .put("image", "wharf/bench-static:latest").put("allowed-images", new JsonArray().add("wharf/bench-static:latest"))
        .put("command", new JsonArray().add("/usr/sbin/nginx").add("-c").add("/etc/nginx/nginx.conf"))
        .put("ready-path", "/").put("publish-host", publishedAddress)), null)));
    Future<ContainerInfo> a = ContainerManager.client(vertx, ALICE_INSTANCE, 90_000)
      .launch(new LaunchSpec("alice", "", null, token(), "/user/alice/"));
    Future<ContainerInfo> b = ContainerManager.client(vertx, BOB_INSTANCE, 90_000)
      .launch(new LaunchSpec("bob", "", null, token(), "/user/bob/"));
    alice = await(a);
    bob = await(b);
    var network = docker.networks(NETWORK).get(0);
    assertEquals(1, docker.networks(NETWORK).size());
    assertEquals("true", network.getLabels().get("wharf.managed"));
    NotebookNetwork.Bridge onHost = NotebookNetwork.bridgeOf(network);
    bridge = onHost.interfaceName();
    gateway = onHost.gateway();
    bobIp = docker("inspect", "-f", "{{(index .NetworkSettings.Networks \"" + NETWORK + "\").IPAddress}}", bob.id()).strip();
    assertEquals("[" + NETWORK + "]", docker("inspect", "-f", "{{range $k, $v := .NetworkSettings.Networks}}[{{$k}}]{{end}}",
      alice.id()).strip(), "alice's container is on the notebook network only");
    System.out.printf("network %s (bridge %s, gateway %s); alice published at %s:%d, bob (%s) at %s:%d; host addresses %s; "
        + "stand-in listener on 0.0.0.0:%d; set up in %d ms%n", NETWORK, bridge, gateway, alice.host(), alice.port(), bobIp,
      bob.host(), bob.port(), hostAddresses, listener.getLocalPort(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
  }

  @AfterAll
  static void cleanUp() throws Exception {
    try {
      for (String instance : List.of(ALICE_INSTANCE, BOB_INSTANCE)) {
        docker.listIds(Map.of("wharf.managed", "true", "wharf.instance", instance)).forEach(docker::removeQuietly);
      }
      // The managers go first, so that no check of theirs makes the network or its rules again.
      await(vertx.close());
      TestNetworks.remove(docker, NETWORK);
      assertTrue(docker.networks(NETWORK).isEmpty());
      if (bridge != null) {
        assertFalse(iptables("-S").contains(bridge), "no rule of the test's bridge is left");
      }
    } finally {
      if (listener != null) {
        listener.close();
      }
      docker.close();
    }
  }

  @Test
  @Order(1)
  void fromInsideANotebookNeitherTheOtherNotebookNorTheHostAnswers() throws Exception {
    Map<String, String> targets = new LinkedHashMap<>();
    targets.put(bobIp + ":8888", "bob's notebook on the notebook network");
    targets.put(gateway + ":" + bob.port(), "bob's published port at the gateway");
    hostAddresses.forEach(address -> targets.put(address + ":" + bob.port(), "bob's published port at a host address"));
    targets.put(gateway + ":" + listener.getLocalPort(), "a Wharf port (listener on 0.0.0.0) at the gateway");
    hostAddresses.forEach(address -> targets.put(address + ":" + listener.getLocalPort(), "a Wharf port at a host address"));
    targets.put("10.255.255.1:5701", "a private address (another cluster member's Hazelcast)");
    targets.put("169.254.169.254:80", "the cloud metadata address");
    Map<String, String> results = probeFromAlice(targets);
    results.forEach((target, result) -> {
      assertTrue(result.startsWith(REJECTED), target + " (" + targets.get(target) + "): " + result);
      // Answered at once, but the kernel sends at most about one ICMP answer a second to a container after a burst
      // of six, so later attempts wait for their SYN's retry.
      assertTrue(millis(result) < 2500, "refused within a couple of seconds: " + target + " " + result);
    });
    // The probe itself can succeed: alice reaches her own notebook.
    String own = probeFromAlice(Map.of("127.0.0.1:8888", "alice's own notebook, from inside")).get("127.0.0.1:8888");
    assertTrue(own.startsWith("connected"), own);
    System.out.println("informational, depends on this machine's internet access:");
    probeFromAlice(Map.of("1.1.1.1:443", "a public address"));
  }

  @Test
  @Order(2)
  void theRoutersPathToBothNotebooksStillWorks() throws Exception {
    assertEquals(200, get("http://" + alice.host() + ":" + alice.port() + "/user/alice/api/status", alice.token()));
    assertEquals(200, get("http://" + bob.host() + ":" + bob.port() + "/", null));
    System.out.println("from the host: alice at " + alice.host() + ":" + alice.port() + " and bob at " + bob.host() + ":"
      + bob.port() + " answer 200");
  }

  @Test
  @Order(3)
  void theNotebookHasNoIpv6PathAround() throws Exception {
    String addresses = docker("exec", alice.id(), "cat", "/proc/net/if_inet6").strip();
    assertEquals("", addresses, "IPv6 addresses inside the container");
  }

  /** Control: without the rules the host answers, so it is the rules that refuse; applying them again is idempotent. */
  @Test
  @Order(4)
  void theRulesAreWhatKeepsTheHostAway() throws Exception {
    Iptables iptables = Iptables.onHost(IsolationOptions.fromJson(WharfConfig.defaults()));
    Map<String, String> targets = new LinkedHashMap<>();
    targets.put(gateway + ":" + listener.getLocalPort(), "a Wharf port at the gateway");
    targets.put(bob.host() + ":" + bob.port(), "bob's published port at its address");
    targets.put(bobIp + ":8888", "bob's notebook (inter-container traffic is off)");
    iptables.remove(bridge);
    Map<String, String> without;
    try {
      System.out.println("without the rules:");
      without = probeFromAlice(targets);
    } finally {
      assertTrue(iptables.apply(bridge).ownRulesChanged(), "the rules were reinstalled");
    }
    assertTrue(without.get(gateway + ":" + listener.getLocalPort()).startsWith("connected"), without.toString());
    if (!"127.0.0.1".equals(bob.host())) {
      // Docker's userland proxy relays a published port from the host's own socket (INPUT, which the
      // rules close); with it off, the port is the kernel's NAT to bob's address on the bridge, which
      // inter-container traffic being off refuses with or without Wharf's rules.
      String published = without.get(bob.host() + ":" + bob.port());
      assertEquals(relayedByDockerProxy(bob.port()), published.startsWith("connected"), without.toString());
    }
    assertFalse(without.get(bobIp + ":8888").startsWith("connected"), without.toString());
    assertFalse(iptables.apply(bridge).needed(), "a check right after applying finds everything in place");
    System.out.println("with the rules again:");
    probeFromAlice(targets).forEach((target, result) -> assertTrue(result.startsWith(REJECTED), target + ": " + result));
  }

  @Test
  @Order(5)
  void aContainerManagerRestoresRemovedRulesAtItsNextCheck() throws Exception {
    await(ContainerManagerRole.deploy(vertx, options("it-" + RUN + "-c", "127.0.0.1", new JsonObject().put("network", NETWORK)
      .put("home-volume", "").put("firewall-check-seconds", 1)), null));
    Iptables.onHost(IsolationOptions.fromJson(WharfConfig.defaults())).remove(bridge);
    String jump = "-A INPUT -i " + bridge + " -j " + IptablesRules.HOST_PREFIX + bridge;
    assertFalse(iptables("-S").contains(jump));
    long start = System.nanoTime();
    while (!iptables("-S").contains(jump) && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5)) {
      Thread.sleep(100);
    }
    assertTrue(iptables("-S").contains(jump), "restored within 5 s");
    System.out.println("removed rules restored by the periodic check after "
      + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms");
    assertTrue(probeFromAlice(Map.of(gateway + ":" + listener.getLocalPort(), "a Wharf port at the gateway"))
      .values().iterator().next().startsWith(REJECTED));
  }

  @Test
  @Order(6)
  void aContainerManagerRefusesToStartOnANetworkWhoseContainersReachEachOther() throws Exception {
    String open = NETWORK + "-open";
    docker("network", "create", "--label", "wharf.test=" + RUN, open);
    try {
      var deployed = ContainerManagerRole.deploy(vertx, options("it-" + RUN + "-d", "127.0.0.1", new JsonObject().put("network", open)), null);
      Throwable failure = assertThrows(Exception.class, () -> await(deployed)).getCause();
      System.out.println("deployment on " + open + " failed as expected: " + failure.getMessage());
      assertTrue(failure.getMessage().contains("can reach each other"), failure.getMessage());
    } finally {
      docker("network", "rm", open);
    }
  }

  /**
   * The shipped defaults with this instance id, this {@code cluster.advertise-address} (the host in
   * the {@link ContainerInfo} of its launches) and some {@code containers} keys replaced.
   */
  private static ContainerManagerOptions options(String instance, String advertiseAddress, JsonObject containers) {
    JsonObject config = WharfConfig.defaults();
    config.getJsonObject("instance").put("id", instance);
    config.getJsonObject("cluster").put("advertise-address", advertiseAddress);
    config.getJsonObject("containers").mergeIn(containers);
    return ContainerManagerOptions.fromJson(config);
  }

  private static Map<String, String> probeFromAlice(Map<String, String> targets) throws Exception {
    List<String> command = new ArrayList<>(List.of("exec", alice.id(), "python3", "-c", PROBE));
    command.addAll(targets.keySet());
    Map<String, String> results = new LinkedHashMap<>();
    for (String line : docker(command.toArray(String[]::new)).strip().split("\n")) {
      String[] words = line.split(" ", 3);
      results.put(words[0], words[2] + " (" + words[1] + " ms)");
      System.out.printf("  alice -> %-22s %-58s %s (%s ms)%n", words[0], targets.get(words[0]), words[2], words[1]);
    }
    assertEquals(targets.keySet(), results.keySet());
    return results;
  }

  private static long millis(String result) {
    return Long.parseLong(result.substring(result.lastIndexOf('(') + 1, result.lastIndexOf(" ms)")));
  }

  /** IPv4 addresses of this host other than loopback, on interfaces up or down: each one answers a container. */
  private static List<String> hostAddresses() throws IOException {
    List<String> addresses = new ArrayList<>();
    for (NetworkInterface nic : NetworkInterface.networkInterfaces().toList()) {
      if (!nic.isLoopback()) {
        nic.inetAddresses().filter(Inet4Address.class::isInstance).forEach(address -> addresses.add(address.getHostAddress()));
      }
    }
    return addresses;
  }

  /** Not a Docker bridge's address: where a cluster instance would publish. */
  private static boolean isPrimary(String address) {
    try {
      NetworkInterface nic = NetworkInterface.getByInetAddress(InetAddress.getByName(address));
      return nic != null && !nic.getName().startsWith("docker") && !nic.getName().startsWith("br-");
    } catch (IOException e) {
      return false;
    }
  }

  private static void acceptAndClose() {
    while (!listener.isClosed()) {
      try (Socket ignored = listener.accept()) {
        // Accepting is all a connection attempt needs.
      } catch (IOException e) {
        // Closed at the end of the test.
      }
    }
  }

  private static String token() {
    return UUID.randomUUID().toString().replace("-", "");
  }

  private static int get(String url, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5));
    if (token != null) {
      request.header("Authorization", "token " + token);
    }
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static String docker(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("docker"));
    command.addAll(List.of(args));
    return run(command);
  }

  private static String iptables(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("iptables", "-w", "10"));
    command.addAll(List.of(args));
    return run(command);
  }

  private static String run(List<String> command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(30, TimeUnit.SECONDS), String.join(" ", command));
    assertEquals(0, process.exitValue(), String.join(" ", command) + ": " + output);
    return output;
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
  }

  /** Whether a {@code docker-proxy} process relays the host's {@code port} (Docker's userland proxy is on). */
  private static boolean relayedByDockerProxy(int port) throws IOException {
    try (var processes = Files.list(Path.of("/proc"))) {
      for (Path process : (Iterable<Path>) processes::iterator) {
        Path cmdline = process.resolve("cmdline");
        if (!process.getFileName().toString().chars().allMatch(Character::isDigit)) {
          continue;
        }
        String command;
        try {
          command = new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException gone) {
          continue;
        }
        if (command.contains("docker-proxy") && command.contains("-host-port " + port + " ")) {
          return true;
        }
      }
    }
    return false;
  }
}
