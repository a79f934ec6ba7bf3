package io.wharf.router.impl;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One client address holds at most the configured number of connections (8 here); a closed one frees its place. */
class ConnectionsPerAddressTest {

  private static final int MAX = 8;

  @RegisterExtension
  static final RouterExtension router = new RouterExtension().connectionsPerAddress(MAX);

  private static boolean served(RawHttps connection) throws Exception {
    connection.send("GET /hub/health HTTP/1.1\r\nHost: x\r\n\r\n");
    try {
      return connection.readResponse().startsWith("HTTP/1.1 200 OK");
    } catch (java.io.IOException closed) {
      return false;
    }
  }

  @Test
  void aConnectionPastTheLimitIsClosedAndAFreedPlaceIsTakenAgain() throws Exception {
    List<RawHttps> open = new ArrayList<>();
    try {
      for (int i = 0; i < MAX; i++) {
        open.add(RawHttps.connect(router.authority()));
      }
      for (RawHttps connection : open) {
        assertTrue(served(connection), "within the limit");
      }
      try (RawHttps extra = RawHttps.connect(router.authority())) {
        assertEquals("", extra.readUntilClosed(3000), "past the limit: closed without an answer");
      }
      open.remove(0).close();
      boolean servedAgain = false;
      for (int attempt = 0; attempt < 40 && !servedAgain; attempt++) {
        try (RawHttps again = RawHttps.connect(router.authority())) {
          servedAgain = served(again);
        }
        if (!servedAgain) {
          Thread.sleep(50);
        }
      }
      assertTrue(servedAgain, "the closed connection's place is free again");
      for (RawHttps connection : open) {
        assertTrue(served(connection), "the others were kept");
      }
    } finally {
      for (RawHttps connection : open) {
        connection.close();
      }
    }
  }
}
