package io.wharf.container.impl;

import io.wharf.container.IsolationOptions;
import io.wharf.container.IsolationOptions.Destination;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The iptables rules of one notebook bridge, and how to bring the host's rules to them. Nothing
 * here runs a command: {@link #repair} reads a dump ({@code iptables -S}) and answers the
 * {@code iptables-restore --noflush} input that fixes whatever differs, applied as one
 * transaction, so that installing, checking and restoring are the same code.
 *
 * <p>Two chains per bridge, each entered only by packets that come in on that bridge, so other
 * traffic on the host is never touched:
 * <ul>
 * <li>{@code WHARF-HOST-<bridge>}, from {@code INPUT}: whatever a container sends to one of the host's
 * own addresses (the bridge's gateway, the advertise address, any other) is refused, unless it
 * answers a connection the host opened (the routers' and the readiness probe's). This covers every
 * Wharf port (HTTPS, Hazelcast, the event bus, metrics) and other notebooks' published ports.</li>
 * <li>{@code WHARF-EGRESS-<bridge>}, from Docker's {@code DOCKER-USER}: what a container may reach
 * through the host, by the egress policy.</li>
 * </ul>
 * Refusals are answered ({@code icmp-admin-prohibited}, "No route to host" to the program) rather than
 * dropped, so an attempt fails at once, or after a SYN retry (about a second) when the kernel's ICMP
 * rate limit holds the answer back, instead of waiting for its timeout.
 * Rules are written exactly as {@code iptables -S} prints them, so a dump compares line for line.
 */
record IptablesRules(String bridge, IsolationOptions isolation) {

  static final String HOST_PREFIX = "WHARF-HOST-";
  static final String EGRESS_PREFIX = "WHARF-EGRESS-";
  static final String INPUT = "INPUT";
  static final String DOCKER_USER = "DOCKER-USER";
  private static final String REJECT = "-j REJECT --reject-with icmp-admin-prohibited";
  private static final String ANSWERS = "-m conntrack --ctstate RELATED,ESTABLISHED -j RETURN";

  /**
   * The IPv4 ranges IANA's special-purpose registry marks as not globally reachable (private,
   * shared, loopback, link-local with the clouds' metadata services, documentation and benchmark
   * networks), plus multicast and the reserved block: where other hosts of a private network,
   * such as the other instances of a cluster, live.
   */
  static final List<String> NOT_GLOBAL = List.of(
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
    "192.0.0.0/24", "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24",
    "224.0.0.0/4", "240.0.0.0/4");

  /** A rule in a built-in chain that sends this bridge's packets into one of its chains. */
  record Jump(String from, String spec) {
  }

  /**
   * @param restoreInput    the {@code iptables-restore --noflush} input; empty when all is in place
   * @param ownRulesChanged whether this bridge's chains or jumps were missing or different
   * @param staleChains     Wharf chains of bridges that no longer exist, removed by the same input
   */
  record Repair(String restoreInput, boolean ownRulesChanged, List<String> staleChains) {
    boolean needed() {
      return !restoreInput.isEmpty();
    }
  }

  String hostChain() {
    return HOST_PREFIX + bridge;
  }

  String egressChain() {
    return EGRESS_PREFIX + bridge;
  }

  /** The host chain's rules, without the leading {@code -A <chain>}. */
  List<String> hostRules() {
    return List.of(ANSWERS, REJECT);
  }

  /** The egress chain's rules, without the leading {@code -A <chain>}; what falls through goes on to Docker's rules. */
  List<String> egressRules() {
    List<String> rules = new ArrayList<>();
    rules.add(ANSWERS);
    for (Destination allowed : isolation.egressAllow()) {
      if (allowed.port() == 0) {
        rules.add("-d " + allowed.network() + " -j RETURN");
      } else {
        for (String protocol : List.of("tcp", "udp")) {
          rules.add("-d " + allowed.network() + " -p " + protocol + " -m " + protocol + " --dport " + allowed.port() + " -j RETURN");
        }
      }
    }
    if (isolation.egress() == IsolationOptions.Egress.INTERNET) {
      // Docker's embedded DNS server asks the host's resolvers from inside the container, and
      // those often sit on private addresses (a cloud's VPC resolver, the office's server).
      rules.add("-p udp -m udp --dport 53 -j RETURN");
      rules.add("-p tcp -m tcp --dport 53 -j RETURN");
      NOT_GLOBAL.forEach(range -> rules.add("-d " + range + " " + REJECT));
    } else {
      rules.add(REJECT);
    }
    return rules;
  }

  List<Jump> jumps() {
    return List.of(new Jump(INPUT, "-i " + bridge + " -j " + hostChain()),
      new Jump(DOCKER_USER, "-i " + bridge + " -j " + egressChain()));
  }

  /**
   * What brings {@code dump} to this bridge's rules: each chain rewritten if its rules differ,
   * each jump put first (after other Wharf jumps) if it is missing, repeated or preceded by a rule
   * of someone else, and the chains of bridges that no longer exist removed.
   */
  Repair repair(String dump, Predicate<String> interfaceExists) {
    Dump current = Dump.parse(dump);
    if (!current.chains().contains(DOCKER_USER)) {
      throw new IllegalStateException("there is no " + DOCKER_USER + " chain: Docker must run with its iptables rules on "
        + "(the default), or set containers.firewall: none and keep notebooks away from the host with your own firewall");
    }
    List<String> declarations = new ArrayList<>();
    List<String> commands = new ArrayList<>();
    List<String> stale = current.chains().stream()
      .filter(chain -> chain.startsWith(HOST_PREFIX) || chain.startsWith(EGRESS_PREFIX))
      .filter(chain -> !chain.equals(hostChain()) && !chain.equals(egressChain()))
      .filter(chain -> !interfaceExists.test(chain.substring((chain.startsWith(HOST_PREFIX) ? HOST_PREFIX : EGRESS_PREFIX).length())))
      .toList();
    stale.forEach(chain -> commands.addAll(current.removal(chain)));
    boolean changed = false;
    Map<String, List<String>> wanted = new LinkedHashMap<>();
    wanted.put(hostChain(), hostRules());
    wanted.put(egressChain(), egressRules());
    for (var chain : wanted.entrySet()) {
      if (!chain.getValue().equals(current.rules().get(chain.getKey()))) {
        changed = true;
        // Declaring a chain in --noflush mode creates it, or empties it if it exists.
        declarations.add(":" + chain.getKey() + " - [0:0]");
        chain.getValue().forEach(rule -> commands.add("-A " + chain.getKey() + " " + rule));
      }
    }
    for (Jump jump : jumps()) {
      List<String> rules = current.rules().getOrDefault(jump.from(), List.of());
      int at = rules.indexOf(jump.spec());
      boolean first = at >= 0 && rules.lastIndexOf(jump.spec()) == at
        && rules.subList(0, at).stream().allMatch(IptablesRules::isWharfJump);
      if (!first) {
        changed = true;
        rules.stream().filter(jump.spec()::equals).forEach(rule -> commands.add("-D " + jump.from() + " " + rule));
        commands.add("-I " + jump.from() + " 1 " + jump.spec());
      }
    }
    declarations.addAll(commands);
    return new Repair(transaction(declarations), changed, stale);
  }

  /** What removes this bridge's chains and the jumps into them; empty when there are none. */
  String removal(String dump) {
    Dump current = Dump.parse(dump);
    List<String> commands = new ArrayList<>();
    for (String chain : List.of(hostChain(), egressChain())) {
      if (current.chains().contains(chain)) {
        commands.addAll(current.removal(chain));
      }
    }
    return transaction(commands);
  }

  private static boolean isWharfJump(String spec) {
    return spec.contains("-j " + HOST_PREFIX) || spec.contains("-j " + EGRESS_PREFIX);
  }

  private static String transaction(List<String> lines) {
    return lines.isEmpty() ? "" : "*filter\n" + String.join("\n", lines) + "\nCOMMIT\n";
  }

  /** The filter table as {@code iptables -S} prints it: chains, and each chain's rules in order. */
  record Dump(Set<String> chains, Map<String, List<String>> rules) {

    static Dump parse(String text) {
      Set<String> chains = new LinkedHashSet<>();
      Map<String, List<String>> rules = new LinkedHashMap<>();
      for (String line : text.split("\n")) {
        String[] words = line.strip().split(" ", 3);
        if (words.length >= 2 && (words[0].equals("-P") || words[0].equals("-N"))) {
          chains.add(words[1]);
        } else if (words.length == 3 && words[0].equals("-A")) {
          rules.computeIfAbsent(words[1], chain -> new ArrayList<>()).add(words[2]);
        }
      }
      return new Dump(chains, rules);
    }

    /** Deletes every jump into {@code chain}, then empties and deletes it. */
    List<String> removal(String chain) {
      List<String> commands = new ArrayList<>();
      rules.forEach((from, specs) -> specs.stream()
        .filter(spec -> spec.endsWith("-j " + chain) || spec.contains("-j " + chain + " "))
        .forEach(spec -> commands.add("-D " + from + " " + spec)));
      commands.add("-F " + chain);
      commands.add("-X " + chain);
      return commands;
    }
  }
}
