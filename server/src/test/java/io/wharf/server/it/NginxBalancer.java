package io.wharf.server.it;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Debian's nginx as the TLS load balancer in front of a test cluster: round-robin, no stickiness,
 * configured from {@code conf/nginx-cluster.conf} (the file operators start from). It runs as a
 * plain process from a temporary prefix, never as the system service.
 */
final class NginxBalancer implements AutoCloseable {

  private static final Path NGINX = Path.of("/usr/sbin/nginx");

  final int port;
  private final Path prefix;
  private final Process process;

  private NginxBalancer(int port, Path prefix, Process process) {
    this.port = port;
    this.prefix = prefix;
    this.process = process;
  }

  /** Starts nginx on 127.0.0.1 in front of {@code upstreams} ({@code host:port} each). */
  static NginxBalancer start(List<String> upstreams) throws Exception {
    installIfAbsent();
    int port = WharfProcess.freePort();
    Path prefix = Files.createTempDirectory("wharf-nginx");
    // The workers run unprivileged and keep their temporary files under the prefix.
    Files.setPosixFilePermissions(prefix, PosixFilePermissions.fromString("rwxr-xr-x"));
    Docker.run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
      "-keyout", prefix.resolve("key.pem").toString(), "-out", prefix.resolve("cert.pem").toString());
    String servers = upstreams.stream().map(u -> "    server " + u + " max_fails=1 fail_timeout=3s;")
      .collect(Collectors.joining("\n"));
    String config = Files.readString(WharfProcess.home().resolve("conf/nginx-cluster.conf"), StandardCharsets.UTF_8)
      .replace("@PREFIX@", prefix.toString())
      .replace("@LISTEN@", "127.0.0.1:" + port)
      .replace("@CERT@", prefix.resolve("cert.pem").toString())
      .replace("@KEY@", prefix.resolve("key.pem").toString())
      .replace("@UPSTREAMS@", servers);
    Path conf = prefix.resolve("nginx.conf");
    Files.writeString(conf, config, StandardCharsets.UTF_8);
    Process process = new ProcessBuilder(NGINX.toString(), "-p", prefix.toString(), "-c", conf.toString(),
      "-e", prefix.resolve("error.log").toString(), "-g", "daemon off;")
      .redirectErrorStream(true)
      .redirectOutput(prefix.resolve("nginx.out").toFile())
      .start();
    NginxBalancer balancer = new NginxBalancer(port, prefix, process);
    balancer.awaitListening();
    return balancer;
  }

  private static void installIfAbsent() throws Exception {
    if (Files.isExecutable(NGINX)) {
      return;
    }
    for (List<String> step : List.of(List.of("apt-get", "update", "-q"), List.of("apt-get", "install", "-y", "-q", "nginx-light"))) {
      ProcessBuilder builder = new ProcessBuilder(step).inheritIO();
      builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
      Process apt = builder.start();
      if (!apt.waitFor(5, TimeUnit.MINUTES) || apt.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", step) + " failed; the cluster test needs Debian's nginx");
      }
    }
  }

  private void awaitListening() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("nginx exited: " + log());
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException("nginx did not listen on " + port + ": " + log());
  }

  String base() {
    return "https://127.0.0.1:" + port;
  }

  String log() throws IOException {
    Path errors = prefix.resolve("error.log");
    return Files.readString(prefix.resolve("nginx.out")) + (Files.exists(errors) ? Files.readString(errors) : "");
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
    try (Stream<Path> files = Files.walk(prefix)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
