package io.wharf.container;

import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.wharf.config.ConfigValues.requiredLong;
import static io.wharf.config.ConfigValues.requiredString;
import static io.wharf.config.ConfigValues.requiredStrings;

/**
 * What notebook containers may reach over the network, read once at boot from the {@code containers}
 * section of {@code conf/wharf.yaml} (where every default lives).
 * Containers never reach each other (the network has inter-container traffic off) nor the host
 * they run on; {@code egress} says whether they reach anything else.
 *
 * @param egress               {@code internet}: public addresses (and DNS anywhere), never private, link-local
 *                             or other non-global ranges; {@code none}: nothing at all
 * @param egressAllow          destinations allowed despite the egress policy (never the host itself)
 * @param firewall             {@code iptables}: the container manager installs and keeps the rules;
 *                             {@code none}: the operator's own firewall does
 * @param firewallCheckSeconds how often the rules are checked and, when something removed or changed
 *                             them, restored
 */
public record IsolationOptions(Egress egress, List<Destination> egressAllow, Firewall firewall, long firewallCheckSeconds) {

  private static final String EGRESS_ALLOW = "containers.egress-allow";

  /** What notebooks may reach beyond their own container. */
  public enum Egress { INTERNET, NONE }

  /** Who keeps notebooks away from the host and from each other's published ports. */
  public enum Firewall { IPTABLES, NONE }

  /**
   * An IPv4 network notebooks may reach, in the form iptables prints ({@code 10.0.0.2/32}), on
   * {@code port} over TCP and UDP, or on every port and protocol when it is 0.
   */
  public record Destination(String network, int port) {

    private static final Pattern FORM = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})(?:/(\\d{1,2}))?(?::(\\d{1,5}))?");

    /** Reads {@code a.b.c.d}, {@code a.b.c.d/len}, either followed by {@code :port}. */
    public static Destination parse(String text) {
      Matcher m = FORM.matcher(text.trim());
      if (!m.matches()) {
        throw new IllegalArgumentException(EGRESS_ALLOW + " entries are IPv4 addresses or networks with an optional port, "
          + "such as 10.0.0.2:53 or 192.168.10.0/24, not '" + text + "'");
      }
      long address = 0;
      for (int i = 1; i <= 4; i++) {
        int octet = Integer.parseInt(m.group(i));
        if (octet > 255) {
          throw new IllegalArgumentException(EGRESS_ALLOW + " holds '" + text + "', not an IPv4 address");
        }
        address = address << 8 | octet;
      }
      int length = m.group(5) == null ? 32 : Integer.parseInt(m.group(5));
      int port = m.group(6) == null ? 0 : Integer.parseInt(m.group(6));
      if (length > 32 || (m.group(6) != null && (port < 1 || port > 65535))) {
        throw new IllegalArgumentException(EGRESS_ALLOW + " holds '" + text + "', whose prefix length or port is out of range");
      }
      // iptables prints the network address, so a host address given with a shorter prefix is masked here too.
      long masked = length == 0 ? 0 : address & (0xffffffffL << (32 - length)) & 0xffffffffL;
      String network = (masked >> 24) + "." + (masked >> 16 & 255) + "." + (masked >> 8 & 255) + "." + (masked & 255)
        + "/" + length;
      return new Destination(network, port);
    }
  }

  public IsolationOptions {
    egressAllow = List.copyOf(egressAllow);
  }

  /** @param config the whole configuration, as {@code WharfConfig} loads it */
  public static IsolationOptions fromJson(JsonObject config) {
    return new IsolationOptions(
      choice(Egress.class, config, "containers.egress"),
      requiredStrings(config, EGRESS_ALLOW).stream().map(Destination::parse).toList(),
      choice(Firewall.class, config, "containers.firewall"),
      requiredLong(config, "containers.firewall-check-seconds", 1, 86_400));
  }

  private static <E extends Enum<E>> E choice(Class<E> type, JsonObject config, String key) {
    String value = requiredString(config, key).trim().toLowerCase(Locale.ROOT);
    for (E constant : type.getEnumConstants()) {
      if (constant.name().toLowerCase(Locale.ROOT).equals(value)) {
        return constant;
      }
    }
    throw new IllegalArgumentException(key + " must be one of "
      + List.of(type.getEnumConstants()).stream().map(c -> c.name().toLowerCase(Locale.ROOT)).toList() + ", not '" + value + "'");
  }
}
