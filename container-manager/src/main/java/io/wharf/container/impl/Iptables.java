package io.wharf.container.impl;

import io.wharf.container.ContainerAddresses.FailureCodes;
import io.wharf.container.IsolationOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Installs, checks and removes the {@link IptablesRules} of a notebook bridge with the host's
 * {@code iptables} (the same one Docker uses). Blocking: callers run it on worker threads. The
 * rules stay when Wharf stops, because the notebooks keep running.
 */
final class Iptables {

  /** Runs a command with {@code input} on its standard input; answers its exit code and output. */
  interface Commands {
    Result run(List<String> command, String input);
  }

  record Result(int exit, String output) {
  }

  private static final Logger LOG = LoggerFactory.getLogger(Iptables.class);

  private final Commands commands;
  private final IsolationOptions isolation;
  private final Predicate<String> interfaceExists;

  Iptables(Commands commands, IsolationOptions isolation, Predicate<String> interfaceExists) {
    this.commands = commands;
    this.isolation = isolation;
    this.interfaceExists = interfaceExists;
  }

  /** The host's iptables, run as processes. */
  static Iptables onHost(IsolationOptions isolation) {
    return new Iptables(Iptables::runProcess, isolation, Iptables::interfaceExists);
  }

  /** Brings the rules of {@code bridge} to what they should be; answers what had to change. */
  IptablesRules.Repair apply(String bridge) {
    IptablesRules rules = new IptablesRules(bridge, isolation);
    IptablesRules.Repair repair;
    try {
      repair = rules.repair(dump(), interfaceExists);
    } catch (IllegalStateException e) {
      throw new ContainerFailure(FailureCodes.DOCKER_ERROR, "cannot isolate notebooks: " + e.getMessage());
    }
    if (repair.needed()) {
      restore(repair.restoreInput());
    }
    return repair;
  }

  /** Removes the chains of {@code bridge} and the jumps into them, if there are any. */
  void remove(String bridge) {
    String removal = new IptablesRules(bridge, isolation).removal(dump());
    if (!removal.isEmpty()) {
      restore(removal);
    }
  }

  private String dump() {
    return check(List.of(binary("iptables"), "-w", "10", "-S"), null);
  }

  private void restore(String input) {
    check(List.of(binary("iptables-restore"), "-w", "10", "--noflush"), input);
  }

  private String check(List<String> command, String input) {
    Result result = commands.run(command, input);
    if (result.exit() != 0) {
      String failure = String.join(" ", command) + " exited with " + result.exit() + ": " + result.output().strip();
      LOG.error("{}{}", failure, input == null ? "" : "; its input was:\n" + input);
      throw new ContainerFailure(FailureCodes.DOCKER_ERROR, "cannot isolate notebooks: " + failure);
    }
    return result.output();
  }

  /** The command's path: a root shell finds iptables in /usr/sbin, a service's PATH may not list it. */
  private static String binary(String name) {
    List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
    dirs.addAll(List.of("/usr/sbin", "/sbin"));
    return dirs.stream().filter(dir -> !dir.isEmpty()).map(dir -> Path.of(dir, name)).filter(Files::isExecutable)
      .findFirst().map(Path::toString).orElse(name);
  }

  private static Result runProcess(List<String> command, String input) {
    Path output = null;
    try {
      output = Files.createTempFile("wharf-iptables", ".out");
      // Output goes to a file, so a long dump cannot fill a pipe that nobody reads yet.
      Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
      try (OutputStream in = process.getOutputStream()) {
        if (input != null) {
          in.write(input.getBytes(StandardCharsets.UTF_8));
        }
      }
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return new Result(-1, "no answer within 30 s");
      }
      return new Result(process.exitValue(), Files.readString(output));
    } catch (IOException e) {
      throw new ContainerFailure(FailureCodes.DOCKER_ERROR, "cannot isolate notebooks: " + command.get(0)
        + " could not run (" + e.getMessage() + "). Wharf needs iptables and root to keep notebooks away from the "
        + "host; with a firewall of your own that does it, set containers.firewall: none");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ContainerFailure(FailureCodes.DOCKER_ERROR, "interrupted while running " + command.get(0));
    } finally {
      if (output != null) {
        output.toFile().delete();
      }
    }
  }

  private static boolean interfaceExists(String name) {
    try {
      return NetworkInterface.getByName(name) != null;
    } catch (SocketException e) {
      // When in doubt, keep the chains: removing a live bridge's rules would open it.
      return true;
    }
  }
}
