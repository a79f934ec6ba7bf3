package io.wharf.functions.impl.invoke;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.buffer.Buffer;

import java.io.IOException;

/**
 * The shape of a JSON document, read token by token without building it: enough to tell whether a
 * body can go on as its bytes are (a call already in the runtime's form, the runtime's usual
 * answer) rather than be parsed into objects and encoded again. Strict JSON only (no comments, no
 * NaN): whatever this does not vouch for takes the slow path, which answers it as before.
 */
final class JsonShape {

  /** What a caller's body is. */
  enum Call {
    /** Exactly {@code {"args": [...], "kwargs": {...}}}, or one of the two: the runtime's form. */
    RUNTIME_FORM,
    /** Another JSON object: keyword arguments. */
    KEYWORDS,
    /** Anything else (not JSON, not an object, {@code args} not a list, ...): for the slow path to answer. */
    OTHER
  }

  private static final JsonFactory STRICT = new JsonFactory();

  private JsonShape() {
  }

  /** Whether {@code body} is exactly one JSON object with one member, {@code result}, and nothing after it. */
  static boolean isResultOnly(Buffer body) {
    try (JsonParser parser = STRICT.createParser(body.getBytes())) {
      if (parser.nextToken() != JsonToken.START_OBJECT || parser.nextToken() != JsonToken.FIELD_NAME
        || !"result".equals(parser.currentName())) {
        return false;
      }
      parser.nextToken();
      parser.skipChildren();
      return parser.nextToken() == JsonToken.END_OBJECT && parser.nextToken() == null;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** What {@code body} (not empty) is as a call. */
  static Call call(Buffer body) {
    try (JsonParser parser = STRICT.createParser(body.getBytes())) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return Call.OTHER;
      }
      boolean runtimeForm = true;
      int members = 0;
      for (JsonToken token = parser.nextToken(); token != JsonToken.END_OBJECT; token = parser.nextToken()) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        members++;
        boolean args = "args".equals(name);
        if (!args && !"kwargs".equals(name)) {
          runtimeForm = false;
        } else if (value != (args ? JsonToken.START_ARRAY : JsonToken.START_OBJECT)) {
          // Only an object of keyword arguments may have such a member; the slow path tells which.
          return Call.OTHER;
        }
        parser.skipChildren();
      }
      if (parser.nextToken() != null) {
        return Call.OTHER;
      }
      return runtimeForm && members > 0 ? Call.RUNTIME_FORM : Call.KEYWORDS;
    } catch (IOException | RuntimeException e) {
      return Call.OTHER;
    }
  }
}
