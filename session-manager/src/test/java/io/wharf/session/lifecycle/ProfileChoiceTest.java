package io.wharf.session.lifecycle;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wharf.config.WharfConfig;
import io.wharf.container.LimitProfiles;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProfileChoiceTest {

  private static final LimitProfiles PROFILES = profiles(new JsonObject()
    .put("small", new JsonObject().put("memory", "512m"))
    .put("large", new JsonObject().put("memory", "8g").put("users", new JsonArray().add("alice"))));

  /** The shipped defaults with these named profiles. */
  private static LimitProfiles profiles(JsonObject named) {
    JsonObject config = WharfConfig.defaults();
    config.getJsonObject("containers").put("profiles", named);
    return LimitProfiles.fromJson(config);
  }

  private static String choose(String body, String user, boolean admin) {
    return ProfileChoice.of(body == null ? null : Buffer.buffer(body), PROFILES, user, admin);
  }

  private static int refusal(String body, String user, boolean admin) {
    return assertThrows(StartRefused.class, () -> choose(body, user, admin)).status();
  }

  @Test
  void noBodyOrNoProfileNamesNone() {
    assertNull(choose(null, "bob", false));
    assertNull(choose("", "bob", false));
    assertNull(choose("{}", "bob", false));
    assertNull(choose("{\"other\": 1}", "bob", false));
  }

  @Test
  void aProfileTheUserMayUseIsChosen() {
    assertEquals("small", choose("{\"profile\": \"small\"}", "bob", false));
    assertEquals("default", choose("{\"profile\": \"default\"}", "bob", false));
    assertEquals("large", choose("{\"profile\": \"large\"}", "alice", false));
  }

  @Test
  void aRestrictedProfileIsForbiddenToOthersButNotToAdmins() {
    assertEquals(403, refusal("{\"profile\": \"large\"}", "bob", false));
    assertEquals("large", choose("{\"profile\": \"large\"}", "bob", true));
  }

  @Test
  void malformedBodiesAndUnknownProfilesAreBadRequests() {
    assertEquals(400, refusal("not json", "bob", false));
    assertEquals(400, refusal("[\"small\"]", "bob", false));
    assertEquals(400, refusal("\"small\"", "bob", false));
    assertEquals(400, refusal("{\"profile\": 5}", "bob", false));
    assertEquals(400, refusal("{\"profile\": null, \"x\": }", "bob", false));
    StartRefused unknown = assertThrows(StartRefused.class, () -> choose("{\"profile\": \"huge\"}", "bob", false));
    assertEquals(400, unknown.status());
    assertTrue(unknown.getMessage().contains("[default, small]"), unknown.getMessage());
  }
}
