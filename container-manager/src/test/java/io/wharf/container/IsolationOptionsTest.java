package io.wharf.container;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wharf.config.WharfConfig;
import io.wharf.container.IsolationOptions.Destination;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IsolationOptionsTest {

  /** The shipped defaults with some {@code containers} keys replaced. */
  private static JsonObject config(JsonObject containers) {
    JsonObject config = WharfConfig.defaults();
    config.getJsonObject("containers").mergeIn(containers);
    return config;
  }

  private static String failure(JsonObject containers) {
    return assertThrows(IllegalArgumentException.class, () -> IsolationOptions.fromJson(config(containers))).getMessage();
  }

  @Test
  void byDefaultTheInternetIsReachableAndIptablesKeepsTheRules() {
    IsolationOptions options = IsolationOptions.fromJson(WharfConfig.defaults());
    assertEquals(IsolationOptions.Egress.INTERNET, options.egress());
    assertEquals(List.of(), options.egressAllow());
    assertEquals(IsolationOptions.Firewall.IPTABLES, options.firewall());
    assertEquals(30, options.firewallCheckSeconds());
  }

  @Test
  void readsEnvironmentStrings() {
    IsolationOptions options = IsolationOptions.fromJson(config(new JsonObject()
      .put("egress", "NONE").put("egress-allow", "10.0.0.2:53, 192.168.7.0/24").put("firewall", "none")
      .put("firewall-check-seconds", "5")));
    assertEquals(IsolationOptions.Egress.NONE, options.egress());
    assertEquals(List.of(new Destination("10.0.0.2/32", 53), new Destination("192.168.7.0/24", 0)), options.egressAllow());
    assertEquals(IsolationOptions.Firewall.NONE, options.firewall());
    assertEquals(5, options.firewallCheckSeconds());
  }

  @Test
  void anEmptyEnvironmentStringAllowsNothingMore() {
    assertEquals(List.of(), IsolationOptions.fromJson(config(new JsonObject().put("egress-allow", ""))).egressAllow());
  }

  @Test
  void destinationsAreWrittenAsIptablesPrintsThem() {
    assertEquals(new Destination("10.1.0.0/16", 0), Destination.parse("10.1.2.3/16"));
    assertEquals(new Destination("0.0.0.0/0", 443), Destination.parse("8.8.8.8/0:443"));
    assertEquals(new Destination("203.0.113.9/32", 0), Destination.parse(" 203.0.113.9 "));
  }

  @Test
  void rejectsWhatIsNotAnIpv4Destination() {
    for (String bad : List.of("example.org", "10.0.0.256", "10.0.0.0/33", "10.0.0.1:0", "10.0.0.1:70000", "fd00::1", "10.0.0")) {
      String message = assertThrows(IllegalArgumentException.class, () -> Destination.parse(bad), bad).getMessage();
      assertTrue(message.startsWith("containers.egress-allow "), message);
    }
    String message = failure(new JsonObject().put("egress-allow", new JsonArray().add("10.0.0.1").add("nope")));
    assertTrue(message.startsWith("containers.egress-allow ") && message.contains("'nope'"), message);
  }

  @Test
  void badValuesNameTheirKey() {
    assertEquals("containers.egress must be one of [internet, none], not 'lan'", failure(new JsonObject().put("egress", "lan")));
    assertEquals("containers.firewall must be one of [iptables, none], not 'nftables'",
      failure(new JsonObject().put("firewall", "nftables")));
    assertEquals("containers.firewall-check-seconds must be a whole number from 1 to 86400, got 0",
      failure(new JsonObject().put("firewall-check-seconds", 0)));
    assertEquals("containers.egress must be a string (quoted in YAML), not a number", failure(new JsonObject().put("egress", 1)));
    assertEquals("containers.egress-allow must be a list, not a mapping", failure(new JsonObject().put("egress-allow", new JsonObject())));
  }

  @Test
  void everyKeyIsRequired() {
    for (String key : List.of("egress", "egress-allow", "firewall", "firewall-check-seconds")) {
      JsonObject config = WharfConfig.defaults();
      config.getJsonObject("containers").remove(key);
      String message = assertThrows(IllegalArgumentException.class, () -> IsolationOptions.fromJson(config)).getMessage();
      assertEquals("containers." + key + " is missing", message);
    }
  }
}
