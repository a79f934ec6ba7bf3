package io.wharf.session.hub;

import io.wharf.container.HomeVolume;
import io.wharf.session.ServerRecord;
import io.wharf.session.testing.HubClient;
import io.wharf.session.testing.HubOptions;
import io.wharf.session.testing.HubServerExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code DELETE /hub/api/users/{name}} and the user's home volumes, with no retention (the
 * shipped default): they are removed through the container manager once the servers stopped,
 * and a new account of the same name gets volumes of its own.
 */
class UserDeletionHomesTest {

  @RegisterExtension
  static final HubServerExtension hub = new HubServerExtension();

  private static final String HERE = HubOptions.INSTANCE;

  @BeforeEach
  void reported() {
    hub.reportInstance(HERE, true);
  }

  private static HubClient client() {
    return hub.client();
  }

  private static void startAndAwait(String user, String server) {
    client().post("/hub/api/users/" + user + (server.isEmpty() ? "/server" : "/servers/" + server)).token(hub.adminToken())
      .send().assertStatus(202);
    ServerRecord record = hub.state().server(user, server);
    assertNotNull(record);
    assertTrue(record.running(), "running: " + record);
  }

  private static Set<String> homesOf(String accountId) {
    return hub.containers().homes(HERE).stream().filter(h -> h.account().equals(accountId)).map(HomeVolume::name)
      .collect(Collectors.toSet());
  }

  @Test
  void eachServerHasAHomeNamedByTheAccountId() {
    hub.user("hugo");
    String account = hub.accountId("hugo");
    startAndAwait("hugo", "");
    startAndAwait("hugo", "lab");
    assertEquals(List.of(account, account), hub.containers().launches().stream().filter(l -> l.user().equals("hugo"))
      .map(l -> l.account()).toList());
    assertEquals(Set.of("wharf-home-" + account, "wharf-home-" + account + "-lab"), homesOf(account));
  }

  @Test
  void deletingAUserStopsTheirServersThenRemovesTheirHomes() {
    hub.user("hana");
    String old = hub.accountId("hana");
    startAndAwait("hana", "");
    startAndAwait("hana", "lab");
    assertEquals(2, homesOf(old).size());

    client().delete("/hub/api/users/hana").token(hub.adminToken()).send().assertStatus(204);
    assertNull(hub.state().server("hana", ""));
    assertEquals(Set.of(), homesOf(old), "the homes went after the servers: Docker refuses to remove a volume in use");
    assertEquals(List.of(HERE + ":" + old), hub.containers().removedHomes().stream().filter(r -> r.endsWith(old)).toList());

    // The same name again is a new account, which starts with a home of its own.
    hub.user("hana");
    String fresh = hub.accountId("hana");
    assertNotEquals(old, fresh);
    startAndAwait("hana", "");
    assertEquals(Set.of("wharf-home-" + fresh), homesOf(fresh));
    assertEquals(Set.of(), homesOf(old));
  }

  @Test
  void aHomeThatCannotBeRemovedNowDoesNotFailTheDeletionAndItsRemovalIsRecorded() throws SQLException {
    hub.user("hedy");
    String account = hub.accountId("hedy");
    startAndAwait("hedy", "");
    // The instance's container manager stops answering: the container is tombstoned, the home left to the sweeps.
    hub.containers().unreachable(HERE, true);
    long before = System.currentTimeMillis();
    try {
      client().delete("/hub/api/users/hedy").token(hub.adminToken()).send().assertStatus(204);
    } finally {
      hub.containers().unreachable(HERE, false);
    }
    assertNull(hub.accountId("hedy"));
    assertEquals(Set.of("wharf-home-" + account), homesOf(account));
    try (Connection db = hub.database();
         PreparedStatement select = db.prepareStatement("SELECT user_name, remove_at FROM home_removals WHERE account_id = ?")) {
      select.setString(1, account);
      try (ResultSet row = select.executeQuery()) {
        assertTrue(row.next(), "the removal is in the database, for the sweeps");
        assertEquals("hedy", row.getString(1));
        assertTrue(row.getLong(2) >= before && row.getLong(2) <= System.currentTimeMillis(), "due at once");
      }
    }
  }
}
