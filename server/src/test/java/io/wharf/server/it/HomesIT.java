package io.wharf.server.it;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Home volumes belong to the account, not the name, on the real engine and the real Jupyter
 * image: a user's file is gone once the user is deleted, and a new account of the same name
 * starts with an empty home while no volume of the old account is left.
 */
@ExtendWith(WharfExtension.class)
class HomesIT {

  private static final String PASSWORD = "homes-password";

  /** The names of the volumes carrying every one of {@code labels} ({@code key=value}). */
  private static List<String> volumes(String... labels) {
    List<String> command = new java.util.ArrayList<>(List.of("docker", "volume", "ls", "-q"));
    for (String label : labels) {
      command.add("--filter");
      command.add("label=" + label);
    }
    return Arrays.stream(Docker.run(command.toArray(String[]::new)).split("\\s+")).filter(s -> !s.isBlank()).toList();
  }

  private static String label(String volume, String key) {
    return Docker.run("docker", "volume", "inspect", "-f", "{{index .Labels \"" + key + "\"}}", volume).trim();
  }

  /** Logs {@code user} in (which starts the default server) and waits until it is ready. */
  private static HubClient loggedInWithServer(WharfProcess wharf, String user) throws Exception {
    HubClient client = new HubClient(wharf.base());
    assertEquals(302, client.login(user, PASSWORD).statusCode());
    assertTrue(client.awaitProgress(user).getBoolean("ready", false), user + "'s server is ready");
    return client;
  }

  @Test
  void aDeletedUsersFilesAreGoneAndTheNameStartsEmpty(WharfProcess wharf) throws Exception {
    HubClient admin = new HubClient(wharf.base());
    assertEquals(302, admin.login("admin", WharfProcess.ADMIN_PASSWORD).statusCode());
    // Another test class may have made a bob on the shared Wharf.
    admin.delete("/hub/api/users/bob");
    HttpResponse<String> created = admin.postJson("/hub/api/users/bob", new JsonObject().put("password", PASSWORD));
    assertEquals(201, created.statusCode(), created.body());

    HubClient bob = loggedInWithServer(wharf, "bob");
    HttpResponse<String> put = bob.send(bob.request("/user/bob/api/contents/secret.txt").header("Content-Type", "application/json")
      .PUT(HttpRequest.BodyPublishers.ofString(new JsonObject().put("type", "file").put("format", "text")
        .put("content", "bob's secret").encode())).build());
    assertEquals(201, put.statusCode(), put.body());
    assertEquals(200, bob.get("/user/bob/api/contents/secret.txt?type=file&format=text").statusCode());

    List<String> oldHomes = volumes("wharf.owner=bob", "wharf.instance=" + wharf.instanceId);
    assertEquals(1, oldHomes.size(), "one home: " + oldHomes);
    String oldAccount = label(oldHomes.get(0), "wharf.account");
    assertTrue(oldHomes.get(0).contains(oldAccount), "named by the account id: " + oldHomes.get(0));
    assertFalse(oldHomes.get(0).contains("bob"), "not by the name: " + oldHomes.get(0));

    long deleting = System.nanoTime();
    assertEquals(204, admin.delete("/hub/api/users/bob").statusCode());
    System.out.printf("HomesIT: deleting bob (stop, account, home volume) took %d ms%n", (System.nanoTime() - deleting) / 1_000_000);
    assertEquals(List.of(), volumes("wharf.account=" + oldAccount), "the old account's home is removed with it");

    created = admin.postJson("/hub/api/users/bob", new JsonObject().put("password", PASSWORD));
    assertEquals(201, created.statusCode(), created.body());
    HubClient newBob = loggedInWithServer(wharf, "bob");
    HttpResponse<String> read = newBob.get("/user/bob/api/contents/secret.txt?type=file&format=text");
    assertEquals(404, read.statusCode(), "the new bob does not see the old one's file: " + read.body());
    List<String> newHomes = volumes("wharf.owner=bob", "wharf.instance=" + wharf.instanceId);
    assertEquals(1, newHomes.size(), "one home: " + newHomes);
    assertNotEquals(oldAccount, label(newHomes.get(0), "wharf.account"));
    assertEquals(List.of(), volumes("wharf.account=" + oldAccount), "no volume of the old account remains");

    assertEquals(204, admin.delete("/hub/api/users/bob").statusCode());
    assertEquals(List.of(), volumes("wharf.owner=bob", "wharf.instance=" + wharf.instanceId));
  }
}
