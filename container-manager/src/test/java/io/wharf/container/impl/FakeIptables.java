package io.wharf.container.impl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The filter table in memory, answering {@code iptables -S} and applying the
 * {@code iptables-restore --noflush} lines Wharf writes as one transaction (a failing line
 * leaves the table as it was, as iptables-restore does), so tests see the state after each call.
 */
final class FakeIptables implements Iptables.Commands {

  final Map<String, List<String>> chains = new LinkedHashMap<>();
  final List<String> restores = new ArrayList<>();
  private final List<String> builtIn = new ArrayList<>(List.of("INPUT", "FORWARD", "OUTPUT"));

  FakeIptables(boolean dockerUser) {
    builtIn.forEach(chain -> chains.put(chain, new ArrayList<>()));
    if (dockerUser) {
      chains.put("DOCKER-USER", new ArrayList<>(List.of("-j RETURN")));
      chains.get("FORWARD").add("-j DOCKER-USER");
    }
  }

  @Override
  public Iptables.Result run(List<String> command, String input) {
    if (command.get(0).endsWith("iptables") && command.contains("-S")) {
      return new Iptables.Result(0, dump());
    }
    if (command.get(0).endsWith("iptables-restore") && command.contains("--noflush")) {
      restores.add(input);
      Map<String, List<String>> copy = new LinkedHashMap<>();
      chains.forEach((chain, rules) -> copy.put(chain, new ArrayList<>(rules)));
      for (String line : input.split("\n")) {
        if (!apply(copy, line)) {
          return new Iptables.Result(2, "iptables-restore: line failed: " + line);
        }
      }
      chains.clear();
      chains.putAll(copy);
      return new Iptables.Result(0, "");
    }
    return new Iptables.Result(2, "unexpected command " + command);
  }

  String dump() {
    StringBuilder out = new StringBuilder();
    chains.keySet().forEach(chain -> out.append(builtIn.contains(chain) ? "-P " + chain + " ACCEPT" : "-N " + chain).append('\n'));
    chains.forEach((chain, rules) -> rules.forEach(rule -> out.append("-A ").append(chain).append(' ').append(rule).append('\n')));
    return out.toString();
  }

  private static boolean apply(Map<String, List<String>> chains, String line) {
    if (line.equals("*filter") || line.equals("COMMIT")) {
      return true;
    }
    if (line.startsWith(":")) {
      chains.put(line.substring(1, line.indexOf(' ')), new ArrayList<>());
      return true;
    }
    String[] words = line.split(" ", 3);
    List<String> rules = chains.get(words[1]);
    if (rules == null) {
      return false;
    }
    switch (words[0]) {
      case "-A" -> rules.add(words[2]);
      case "-I" -> rules.add(Integer.parseInt(words[2].substring(0, words[2].indexOf(' '))) - 1,
        words[2].substring(words[2].indexOf(' ') + 1));
      case "-D" -> {
        return rules.remove(words[2]);
      }
      case "-F" -> rules.clear();
      case "-X" -> {
        boolean referenced = chains.values().stream().anyMatch(r -> r.stream().anyMatch(rule -> rule.endsWith("-j " + words[1])));
        if (!rules.isEmpty() || referenced) {
          return false;
        }
        chains.remove(words[1]);
      }
      default -> {
        return false;
      }
    }
    return true;
  }
}
