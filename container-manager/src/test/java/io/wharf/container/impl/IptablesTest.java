package io.wharf.container.impl;

import io.wharf.config.WharfConfig;
import io.wharf.container.IsolationOptions;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IptablesTest {

  private static final String BRIDGE = "br-0123456789ab";
  private final IsolationOptions isolation = IsolationOptions.fromJson(WharfConfig.defaults());
  private final FakeIptables table = new FakeIptables(true);
  private final Iptables iptables = new Iptables(table, isolation, name -> true);

  @Test
  void installsTheRulesOnceAndThenFindsThemInPlace() {
    assertTrue(iptables.apply(BRIDGE).ownRulesChanged());
    IptablesRules rules = new IptablesRules(BRIDGE, isolation);
    assertEquals(rules.hostRules(), table.chains.get(rules.hostChain()));
    assertEquals(rules.egressRules(), table.chains.get(rules.egressChain()));
    assertEquals("-i " + BRIDGE + " -j " + rules.hostChain(), table.chains.get("INPUT").get(0));
    assertEquals(List.of("-i " + BRIDGE + " -j " + rules.egressChain(), "-j RETURN"), table.chains.get("DOCKER-USER"));

    IptablesRules.Repair again = iptables.apply(BRIDGE);
    assertFalse(again.needed());
    assertEquals(1, table.restores.size(), "a second check restores nothing");
  }

  @Test
  void restoresWhatAFirewallReloadRemoved() {
    iptables.apply(BRIDGE);
    table.chains.get("INPUT").clear();
    table.chains.get("INPUT").add("-j ACCEPT");
    assertTrue(iptables.apply(BRIDGE).ownRulesChanged());
    assertEquals(List.of("-i " + BRIDGE + " -j WHARF-HOST-" + BRIDGE, "-j ACCEPT"), table.chains.get("INPUT"));
  }

  @Test
  void keepsOneJumpWhenItWasRepeated() {
    iptables.apply(BRIDGE);
    table.chains.get("INPUT").add(0, "-s 10.0.0.0/8 -j ACCEPT");
    table.chains.get("INPUT").add("-i " + BRIDGE + " -j WHARF-HOST-" + BRIDGE);
    iptables.apply(BRIDGE);
    assertEquals(List.of("-i " + BRIDGE + " -j WHARF-HOST-" + BRIDGE, "-s 10.0.0.0/8 -j ACCEPT"), table.chains.get("INPUT"));
  }

  @Test
  void removalLeavesNoTrace() {
    String before = table.dump();
    iptables.apply(BRIDGE);
    iptables.remove(BRIDGE);
    assertEquals(before, table.dump());
    iptables.remove(BRIDGE);
    assertEquals(2, table.restores.size(), "removing what is absent runs nothing");
  }

  @Test
  void aFailingCommandFailsWithItsOutput() {
    Iptables denied = new Iptables((command, input) -> new Iptables.Result(4,
      "iptables v1.8.9 (nf_tables): Could not fetch rule set generation id: Permission denied (you must be root)\n"),
      isolation, name -> true);
    ContainerFailure failure = assertThrows(ContainerFailure.class, () -> denied.apply(BRIDGE));
    assertTrue(failure.getMessage().contains("you must be root"), failure.getMessage());
  }

  @Test
  void refusesToRunWithoutDockersChain() {
    Iptables bare = new Iptables(new FakeIptables(false), isolation, name -> true);
    ContainerFailure failure = assertThrows(ContainerFailure.class, () -> bare.apply(BRIDGE));
    assertTrue(failure.getMessage().contains("DOCKER-USER"), failure.getMessage());
  }
}
