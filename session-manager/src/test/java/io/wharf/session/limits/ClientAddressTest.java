package io.wharf.session.limits;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Which client a request counts against: the peer, or what trusted load balancers say it is. */
class ClientAddressTest {

  private static final ClientAddress DIRECT = ClientAddress.create(List.of());
  private static final ClientAddress BEHIND_BALANCERS = ClientAddress.create(List.of("127.0.0.1", "10.0.0.0/8"));

  @Test
  void withoutTrustedProxiesThePeerIsTheClientWhateverItsHeadersSay() {
    assertEquals("198.51.100.7", DIRECT.of("198.51.100.7", List.of("203.0.113.9")));
    assertEquals("127.0.0.1", DIRECT.of("127.0.0.1", List.of("203.0.113.9")));
  }

  @Test
  void behindATrustedProxyTheRightMostUntrustedForwardedAddressIsTheClient() {
    // The client claims 192.0.2.1 itself; the balancer appended the address it saw.
    assertEquals("203.0.113.9", BEHIND_BALANCERS.of("127.0.0.1", List.of("192.0.2.1, 203.0.113.9")));
    // Two balancers in a row (one in 10/8), and the header split over two fields.
    assertEquals("203.0.113.9", BEHIND_BALANCERS.of("127.0.0.1", List.of("192.0.2.1, 203.0.113.9", "10.1.2.3")));
  }

  @Test
  void anUntrustedPeerCannotChooseItsAddressWithAHeader() {
    assertEquals("198.51.100.7", BEHIND_BALANCERS.of("198.51.100.7", List.of("203.0.113.9")));
  }

  @Test
  void aTrustedProxyWithoutAUsableHeaderCountsAsItself() {
    assertEquals("127.0.0.1", BEHIND_BALANCERS.of("127.0.0.1", List.of()));
    assertEquals("127.0.0.1", BEHIND_BALANCERS.of("127.0.0.1", List.of("not-an-address")));
  }

  @Test
  void anIpv6ClientCountsAsItsWhole64() {
    assertEquals("2001:db8:1:2:0:0:0:0/64", DIRECT.of("2001:db8:1:2::1", List.of()));
    assertEquals(DIRECT.of("2001:db8:1:2::1", List.of()), DIRECT.of("2001:db8:1:2:ffff::9%eth0", List.of()));
    assertEquals("2001:db8:1:3:0:0:0:0/64", DIRECT.of("2001:db8:1:3::1", List.of()));
  }

  @Test
  void aTrustedProxyThatIsNotAnAddressIsRefusedByName() {
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
      () -> ClientAddress.create(List.of("10.0.0.0/8", "balancer.example")));
    assertEquals("auth.trusted-proxies must hold IP addresses or CIDR ranges, got 'balancer.example'", refused.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ClientAddress.create(List.of("10.0.0.0/33")));
  }
}
