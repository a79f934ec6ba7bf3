package io.wharf.container.impl;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wharf.config.WharfConfig;
import io.wharf.container.IsolationOptions;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IptablesRulesTest {

  private static final String REJECT = "-j REJECT --reject-with icmp-admin-prohibited";
  private static final String ANSWERS = "-m conntrack --ctstate RELATED,ESTABLISHED -j RETURN";

  private final IptablesRules internet = rules(new JsonObject());

  /** The rules under the shipped defaults with some {@code containers} keys replaced. */
  private static IptablesRules rules(JsonObject containers) {
    JsonObject config = WharfConfig.defaults();
    config.getJsonObject("containers").mergeIn(containers);
    return new IptablesRules("br-0123456789ab", IsolationOptions.fromJson(config));
  }

  @Test
  void theHostChainRefusesEverythingButAnswersToTheHost() {
    assertEquals("WHARF-HOST-br-0123456789ab", internet.hostChain());
    assertEquals(List.of(ANSWERS, REJECT), internet.hostRules());
  }

  @Test
  void bothChainsAreEnteredOnlyFromTheBridgeAndFirst() {
    assertEquals(List.of(
      new IptablesRules.Jump("INPUT", "-i br-0123456789ab -j WHARF-HOST-br-0123456789ab"),
      new IptablesRules.Jump("DOCKER-USER", "-i br-0123456789ab -j WHARF-EGRESS-br-0123456789ab")), internet.jumps());
  }

  @Test
  void internetEgressRefusesEveryNonGlobalRangeButLetsDnsThrough() {
    List<String> rules = internet.egressRules();
    assertEquals(ANSWERS, rules.get(0));
    assertEquals(List.of("-p udp -m udp --dport 53 -j RETURN", "-p tcp -m tcp --dport 53 -j RETURN"), rules.subList(1, 3));
    for (String range : List.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16", "100.64.0.0/10", "127.0.0.0/8")) {
      assertTrue(rules.contains("-d " + range + " " + REJECT), range);
    }
    assertEquals(3 + IptablesRules.NOT_GLOBAL.size(), rules.size());
    assertFalse(rules.contains(REJECT), "no rule refuses every destination");
  }

  @Test
  void noEgressRefusesEverythingAfterTheAllowedDestinations() {
    IptablesRules none = rules(new JsonObject().put("egress", "none").put("egress-allow", new JsonArray().add("10.0.0.2:53").add("192.168.7.0/24")));
    assertEquals(List.of(ANSWERS,
      "-d 10.0.0.2/32 -p tcp -m tcp --dport 53 -j RETURN",
      "-d 10.0.0.2/32 -p udp -m udp --dport 53 -j RETURN",
      "-d 192.168.7.0/24 -j RETURN",
      REJECT), none.egressRules());
  }

  @Test
  void allowedDestinationsComeBeforeTheRefusals() {
    IptablesRules allowing = rules(new JsonObject().put("egress-allow", "10.1.2.3:3128"));
    List<String> rules = allowing.egressRules();
    int allowed = rules.indexOf("-d 10.1.2.3/32 -p tcp -m tcp --dport 3128 -j RETURN");
    assertTrue(allowed > 0 && allowed < rules.indexOf("-d 10.0.0.0/8 " + REJECT), rules.toString());
  }

  @Test
  void onAFreshHostTheRepairCreatesBothChainsAndBothJumps() {
    IptablesRules.Repair repair = internet.repair(new FakeIptables(true).dump(), name -> true);
    assertTrue(repair.ownRulesChanged());
    String input = repair.restoreInput();
    assertTrue(input.startsWith("*filter\n:WHARF-HOST-br-0123456789ab - [0:0]\n:WHARF-EGRESS-br-0123456789ab - [0:0]\n"), input);
    assertTrue(input.contains("\n-A WHARF-HOST-br-0123456789ab " + REJECT + "\n"), input);
    assertTrue(input.contains("\n-I INPUT 1 -i br-0123456789ab -j WHARF-HOST-br-0123456789ab\n"), input);
    assertTrue(input.contains("\n-I DOCKER-USER 1 -i br-0123456789ab -j WHARF-EGRESS-br-0123456789ab\n"), input);
    assertTrue(input.endsWith("COMMIT\n"));
  }

  @Test
  void whenAllIsInPlaceTheRepairIsEmpty() {
    String dump = String.join("\n",
      "-P INPUT ACCEPT", "-P FORWARD DROP", "-N DOCKER-USER", "-N WHARF-EGRESS-br-0123456789ab", "-N WHARF-HOST-br-0123456789ab",
      "-A INPUT -i br-0123456789ab -j WHARF-HOST-br-0123456789ab",
      "-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT",
      "-A FORWARD -j DOCKER-USER",
      "-A DOCKER-USER -i br-0123456789ab -j WHARF-EGRESS-br-0123456789ab",
      "-A DOCKER-USER -j RETURN") + "\n"
      + String.join("\n", internet.egressRules().stream().map(r -> "-A WHARF-EGRESS-br-0123456789ab " + r).toList()) + "\n"
      + String.join("\n", internet.hostRules().stream().map(r -> "-A WHARF-HOST-br-0123456789ab " + r).toList()) + "\n";
    IptablesRules.Repair repair = internet.repair(dump, name -> true);
    assertFalse(repair.needed(), repair.restoreInput());
    assertFalse(repair.ownRulesChanged());
  }

  @Test
  void aJumpBehindSomeoneElsesRuleIsMovedToTheFront() {
    String dump = "-P INPUT ACCEPT\n-N DOCKER-USER\n-A INPUT -m conntrack --ctstate NEW -j ACCEPT\n"
      + "-A INPUT -i br-0123456789ab -j WHARF-HOST-br-0123456789ab\n";
    String input = internet.repair(dump, name -> true).restoreInput();
    assertTrue(input.contains("-D INPUT -i br-0123456789ab -j WHARF-HOST-br-0123456789ab\n"
      + "-I INPUT 1 -i br-0123456789ab -j WHARF-HOST-br-0123456789ab\n"), input);
  }

  @Test
  void anotherBridgesJumpAheadIsNoReasonToMove() {
    String dump = "-P INPUT ACCEPT\n-N DOCKER-USER\n-A INPUT -i br-other -j WHARF-HOST-br-other\n"
      + "-A INPUT -i br-0123456789ab -j WHARF-HOST-br-0123456789ab\n";
    assertFalse(internet.repair(dump, name -> true).restoreInput().contains("INPUT"));
  }

  @Test
  void aChangedChainIsRewrittenAndTheOtherLeftAlone() {
    String dump = "-P INPUT ACCEPT\n-N DOCKER-USER\n-N WHARF-HOST-br-0123456789ab\n"
      + "-A WHARF-HOST-br-0123456789ab -p tcp -j ACCEPT\n";
    String input = internet.repair(dump, name -> true).restoreInput();
    assertTrue(input.contains(":WHARF-HOST-br-0123456789ab - [0:0]"), input);
    assertTrue(input.contains(":WHARF-EGRESS-br-0123456789ab - [0:0]"), "absent, so created: " + input);
    assertFalse(input.contains("-p tcp -j ACCEPT"), input);
  }

  @Test
  void chainsOfBridgesThatAreGoneAreRemovedWithTheirJumps() {
    String dump = "-P INPUT ACCEPT\n-N DOCKER-USER\n-N WHARF-HOST-br-gone\n-N WHARF-HOST-br-alive\n"
      + "-A INPUT -i br-gone -j WHARF-HOST-br-gone\n-A INPUT -i br-alive -j WHARF-HOST-br-alive\n"
      + "-A WHARF-HOST-br-gone " + REJECT + "\n";
    IptablesRules.Repair repair = internet.repair(dump, "br-alive"::equals);
    assertEquals(List.of("WHARF-HOST-br-gone"), repair.staleChains());
    String input = repair.restoreInput();
    assertTrue(input.contains("-D INPUT -i br-gone -j WHARF-HOST-br-gone\n-F WHARF-HOST-br-gone\n-X WHARF-HOST-br-gone\n"), input);
    assertFalse(input.contains("br-alive"), input);
  }

  @Test
  void withoutDockersChainThereIsNothingToHookInto() {
    IllegalStateException failure = assertThrows(IllegalStateException.class,
      () -> internet.repair("-P INPUT ACCEPT\n-P FORWARD ACCEPT\n", name -> true));
    assertTrue(failure.getMessage().contains("DOCKER-USER"), failure.getMessage());
  }

  @Test
  void removalDeletesJumpsThenChains() {
    String dump = "-P INPUT ACCEPT\n-N DOCKER-USER\n-N WHARF-HOST-br-0123456789ab\n"
      + "-A INPUT -i br-0123456789ab -j WHARF-HOST-br-0123456789ab\n-A WHARF-HOST-br-0123456789ab " + REJECT + "\n";
    assertEquals("*filter\n-D INPUT -i br-0123456789ab -j WHARF-HOST-br-0123456789ab\n-F WHARF-HOST-br-0123456789ab\n"
      + "-X WHARF-HOST-br-0123456789ab\nCOMMIT\n", internet.removal(dump));
    assertEquals("", internet.removal("-P INPUT ACCEPT\n-N DOCKER-USER\n"));
  }
}
