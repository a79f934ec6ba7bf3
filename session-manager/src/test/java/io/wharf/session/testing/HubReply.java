package io.wharf.session.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.http.HttpHeaders;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** A response of the hub under test, with the checks every hub test makes of its answers. */
public record HubReply(int status, HttpHeaders headers, String body) {

  // A package-qualified class name, or a bare exception or error type.
  private static final Pattern JAVA_CLASS = Pattern.compile(
    "\\b[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+\\.[A-Z]\\w*|\\b[A-Z]\\w*(Exception|Error)\\b");

  public String header(String name) {
    return headers.firstValue(name).orElse(null);
  }

  public String location() {
    return header("Location");
  }

  /** The value of the cookie {@code name} that the response sets, or null. */
  public String setCookie(String name) {
    String line = setCookieLine(name);
    if (line == null) {
      return null;
    }
    int end = line.indexOf(';');
    return line.substring(name.length() + 1, end < 0 ? line.length() : end);
  }

  /** The whole {@code Set-Cookie} header for cookie {@code name} (value and attributes), or null. */
  public String setCookieLine(String name) {
    return headers.allValues("Set-Cookie").stream().filter(c -> c.startsWith(name + "=")).findFirst().orElse(null);
  }

  public JsonObject json() {
    assertJson();
    return new JsonObject(body);
  }

  public JsonArray array() {
    assertJson();
    return new JsonArray(body);
  }

  /** Asserts the status, and returns the body as a JSON object. */
  public JsonObject json(int expected) {
    assertStatus(expected);
    return json();
  }

  public JsonArray array(int expected) {
    assertStatus(expected);
    return array();
  }

  public HubReply assertStatus(int expected) {
    assertEquals(expected, status, () -> "status; body: " + body);
    return this;
  }

  /**
   * Asserts an error in the hub's shape, {@code {"status", "message"}} with this status, whose
   * message is readable and names no Java class; returns the message.
   */
  public String assertError(int expected) {
    JsonObject error = json(expected);
    assertEquals(expected, error.getValue("status"), () -> "status in the body: " + body);
    if (!(error.getValue("message") instanceof String message) || message.isBlank()) {
      return fail("no message: " + body);
    }
    assertFalse(JAVA_CLASS.matcher(message).find(), () -> "the message names a Java class: " + message);
    return message;
  }

  /** Asserts a redirect to exactly {@code location}. */
  public HubReply assertRedirect(String expected) {
    assertStatus(302);
    assertEquals(expected, location());
    return this;
  }

  private void assertJson() {
    String type = header("Content-Type");
    assertTrue(type != null && type.startsWith("application/json"), () -> "Content-Type " + type + "; body: " + body);
  }
}
