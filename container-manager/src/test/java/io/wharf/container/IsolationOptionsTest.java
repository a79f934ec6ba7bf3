package io.wharf.container;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wharf.container.IsolationOptions.Destination;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class IsolationOptionsTest {

  @Test
  void byDefaultTheInternetIsReachableAndIptablesKeepsTheRules() {
    IsolationOptions options = IsolationOptions.fromJson(new JsonObject());
    assertEquals(IsolationOptions.Egress.INTERNET, options.egress());
    assertEquals(List.of(), options.egressAllow());
    assertEquals(IsolationOptions.Firewall.IPTABLES, options.firewall());
    assertEquals(30, options.firewallCheckSeconds());
  }

  @Test
  void readsEnvironmentStrings() {
    IsolationOptions options = IsolationOptions.fromJson(new JsonObject()
      .put("egress", "NONE").put("egress-allow", "10.0.0.2:53, 192.168.7.0/24").put("firewall", "none")
      .put("firewall-check-seconds", "5"));
    assertEquals(IsolationOptions.Egress.NONE, options.egress());
    assertEquals(List.of(new Destination("10.0.0.2/32", 53), new Destination("192.168.7.0/24", 0)), options.egressAllow());
    assertEquals(IsolationOptions.Firewall.NONE, options.firewall());
    assertEquals(5, options.firewallCheckSeconds());
  }

  @Test
  void destinationsAreWrittenAsIptablesPrintsThem() {
    assertEquals(new Destination("10.1.0.0/16", 0), Destination.parse("10.1.2.3/16"));
    assertEquals(new Destination("0.0.0.0/0", 443), Destination.parse("8.8.8.8/0:443"));
    assertEquals(new Destination("203.0.113.9/32", 0), Destination.parse(" 203.0.113.9 "));
  }

  @Test
  void rejectsWhatIsNotAnIpv4DestinationOrAKnownChoice() {
    for (String bad : List.of("example.org", "10.0.0.256", "10.0.0.0/33", "10.0.0.1:0", "10.0.0.1:70000", "fd00::1", "10.0.0")) {
      assertThrows(IllegalArgumentException.class, () -> Destination.parse(bad), bad);
    }
    assertThrows(IllegalArgumentException.class, () -> IsolationOptions.fromJson(new JsonObject().put("egress", "lan")));
    assertThrows(IllegalArgumentException.class, () -> IsolationOptions.fromJson(new JsonObject().put("firewall", "nftables")));
    assertThrows(IllegalArgumentException.class, () -> IsolationOptions.fromJson(new JsonObject().put("firewall-check-seconds", 0)));
    assertThrows(IllegalArgumentException.class,
      () -> IsolationOptions.fromJson(new JsonObject().put("egress-allow", new JsonArray().add("10.0.0.1").add("nope"))));
  }
}
