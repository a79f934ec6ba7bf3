package io.wharf.session.store;

import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.wharf.session.SharedState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Hazelcast caches of accounts, tokens, groups and session revocations against a real (embedded,
 * single-member) Hazelcast: queries by account id on the token records, filling from the
 * database once, and revocations that only move later.
 */
class HazelcastAccountsAndTokensTest {

  private static Vertx vertx;
  private static HazelcastInstance hazelcast;
  private static SharedState state;

  @BeforeAll
  static void start() {
    hazelcast = EmbeddedHazelcast.start("cache-test");
    vertx = Vertx.vertx();
    state = HazelcastMaps.sharedState(vertx, hazelcast);
  }

  @AfterAll
  static void stop() throws Exception {
    await(vertx.close());
    hazelcast.shutdown();
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static Account account(String name) {
    return new Account(UUID.randomUUID().toString(), name, false, "h", 1);
  }

  private static ApiToken token(Account owner) {
    String hash = UUID.randomUUID().toString();
    return new ApiToken("id", owner.name(), owner.id(), hash, Set.of("servers"), "", 1, 0);
  }

  @Test
  void groupsAreKeptWholeInTheReplicatedMap() {
    Group lab = new Group("lab-" + UUID.randomUUID(), Set.of("a1", "a2"), "{\"room\":\"B2\"}", 5);
    state.groups().saveGroup(lab);
    assertEquals(lab, state.groups().group(lab.name()));
    assertTrue(state.groups().groups().contains(lab));
    Group fewer = new Group(lab.name(), Set.of("a2"), lab.properties(), lab.createdAt());
    state.groups().saveGroup(fewer);
    assertEquals(Set.of("a2"), state.groups().group(lab.name()).memberIds());
    state.groups().removeGroup(lab.name());
    assertNull(state.groups().group(lab.name()));
  }

  @Test
  void tokensAreFoundAndRemovedByTheirAccountsIdNotTheName() throws Exception {
    Account old = account("tom");
    Account current = account("tom");
    ApiToken oldToken = token(old);
    ApiToken currentToken = token(current);
    await(state.tokens().saveToken(oldToken));
    await(state.tokens().saveToken(currentToken));

    assertEquals(List.of(currentToken), await(state.tokens().tokensOf(current.id())));
    await(state.tokens().removeTokensOf(old.id()));
    assertNull(await(state.tokens().tokenByHash(oldToken.hash())));
    assertEquals(currentToken, await(state.tokens().tokenByHash(currentToken.hash())));
  }

  @Test
  void theCachesAreFilledOnceAndAccountsTheDatabaseLacksAreDropped() throws Exception {
    Account stale = account("stale");
    state.accounts().saveAccount(stale);
    Account una = account("una");
    ApiToken unasToken = token(una);

    assertTrue(await(state.caches().fillOnce(List.of(una), List.of(unasToken))));
    assertEquals(una, state.accounts().account("una"));
    assertNull(state.accounts().account("stale"), "not in the database: not in the cache");
    assertEquals(unasToken, await(state.tokens().tokenByHash(unasToken.hash())));

    // Later instances find the caches filled, and whatever was written since stands.
    Account vic = account("vic");
    state.accounts().saveAccount(vic);
    await(state.tokens().removeToken(unasToken.hash()));
    assertFalse(await(state.caches().fillOnce(List.of(una), List.of(unasToken))));
    assertEquals(vic, state.accounts().account("vic"));
    assertNull(await(state.tokens().tokenByHash(unasToken.hash())), "a revoked token is not brought back");
  }

  @Test
  void aRevocationIsReadLocallyAndOnlyEverMovesLater() throws Exception {
    String key = "account:" + UUID.randomUUID();
    long far = System.currentTimeMillis() + 60_000;
    assertNull(state.revocations().revokedAt(key));
    await(state.revocations().revoke(new Revocation(key, 2_000, far)));
    assertEquals(2_000L, state.revocations().revokedAt(key));
    await(state.revocations().fill(List.of(new Revocation(key, 1_000, far))));
    assertEquals(2_000L, state.revocations().revokedAt(key), "an older time read from the database does not lower it");
    await(state.revocations().revoke(new Revocation(key, 3_000, far)));
    assertEquals(3_000L, state.revocations().revokedAt(key));
  }

  @Test
  void everyRevocationReachingThisMembersCopyChangesTheGeneration() throws Exception {
    long before = state.revocations().generation();
    await(state.revocations().revoke(new Revocation("session:" + UUID.randomUUID(), 1_000, System.currentTimeMillis() + 60_000)));
    long written = state.revocations().generation();
    assertTrue(written != before, "changed once the write is answered");
    // As another member's write arrives: straight into this member's copy, heard through the map's events.
    hazelcast.<String, Long>getReplicatedMap(HazelcastMaps.REVOCATIONS).put("session:" + UUID.randomUUID(), 1L);
    long deadline = System.currentTimeMillis() + 5_000;
    while (state.revocations().generation() == written && System.currentTimeMillis() < deadline) {
      Thread.sleep(10);
    }
    assertTrue(state.revocations().generation() != written, "changed by the map's event");
  }

  @Test
  void aRevocationWhoseCookiesHaveAllExpiredIsNotKept() throws Exception {
    String key = "session:" + UUID.randomUUID();
    await(state.revocations().fill(List.of(new Revocation(key, 1_000, System.currentTimeMillis() - 1))));
    assertNull(state.revocations().revokedAt(key));
  }
}
