package io.wharf.session.limits;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Who a request comes from, for per-address limits: the connection's peer, unless that peer is a
 * trusted load balancer, in which case the nearest address in {@code X-Forwarded-For} that is not
 * one of them (the right-most, since each proxy appends the address it saw; entries further left
 * are the client's word). An IPv6 client stands for its whole /64, the block one subscriber gets,
 * so that rotating through it does not give an attacker fresh limits.
 */
public final class ClientAddress {

  private static final Pattern LITERAL = Pattern.compile("[0-9a-fA-F.:]+");

  private final List<Network> trusted;

  private ClientAddress(List<Network> trusted) {
    this.trusted = trusted;
  }

  /**
   * @param trustedProxies addresses or CIDR ranges ({@code 10.0.0.0/8}) of trusted load balancers
   * @throws IllegalArgumentException naming an entry that is neither
   */
  public static ClientAddress create(List<String> trustedProxies) {
    return new ClientAddress(trustedProxies.stream().map(Network::parse).toList());
  }

  /** The key of the client that sent {@code request}. */
  public String of(HttpServerRequest request) {
    SocketAddress remote = request.remoteAddress();
    return of(remote == null ? null : remote.hostAddress(), request.headers().getAll("X-Forwarded-For"));
  }

  /** The key of the client behind peer {@code peerAddress}, given the request's {@code X-Forwarded-For} fields. */
  String of(String peerAddress, List<String> forwardedFor) {
    InetAddress client = peerAddress == null ? null : parse(peerAddress.replaceFirst("%.*$", ""));
    if (client == null) {
      return "unknown";
    }
    if (isTrusted(client)) {
      List<String> hops = Arrays.asList(String.join(",", forwardedFor).split(","));
      for (int i = hops.size() - 1; i >= 0 && isTrusted(client); i--) {
        InetAddress hop = parse(hops.get(i).trim());
        if (hop == null) {
          break;
        }
        client = hop;
      }
    }
    return key(client);
  }

  private boolean isTrusted(InetAddress address) {
    return trusted.stream().anyMatch(network -> network.contains(address));
  }

  private static String key(InetAddress address) {
    if (address.getAddress().length == 4) {
      return address.getHostAddress();
    }
    byte[] prefix = Arrays.copyOf(address.getAddress(), 16);
    Arrays.fill(prefix, 8, 16, (byte) 0);
    try {
      return InetAddress.getByAddress(prefix).getHostAddress() + "/64";
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An IP literal as an address, or null; never a name lookup. */
  static InetAddress parse(String literal) {
    if (literal == null || literal.isEmpty() || !LITERAL.matcher(literal).matches() || !literal.contains(".") && !literal.contains(":")) {
      return null;
    }
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /** An address and the number of leading bits that must match. */
  private record Network(byte[] address, int bits) {

    static Network parse(String entry) {
      String[] parts = entry.trim().split("/", 2);
      InetAddress address = ClientAddress.parse(parts[0]);
      int max = address == null ? 0 : address.getAddress().length * 8;
      int bits = max;
      if (parts.length == 2) {
        bits = parts[1].matches("[0-9]{1,3}") ? Integer.parseInt(parts[1]) : -1;
      }
      if (address == null || bits < 0 || bits > max) {
        throw new IllegalArgumentException("auth.trusted-proxies must hold IP addresses or CIDR ranges, got '" + entry + "'");
      }
      return new Network(address.getAddress(), bits);
    }

    boolean contains(InetAddress candidate) {
      byte[] other = candidate.getAddress();
      if (other.length != address.length) {
        return false;
      }
      for (int bit = 0; bit < bits; bit++) {
        int mask = 0x80 >> (bit % 8);
        if ((other[bit / 8] & mask) != (address[bit / 8] & mask)) {
          return false;
        }
      }
      return true;
    }
  }
}
