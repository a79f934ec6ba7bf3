package io.wharf.functions.impl.invoke;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Set;

/**
 * The runtime's one call shape, {@code {"args": [...], "kwargs": {...}}}, from the public forms:
 * path segments (positional strings, first), the query string (keyword strings; a repeated name a
 * list), and a JSON body: an object of keyword arguments, or exactly {@code {"args", "kwargs"}}.
 */
final class CallBody {

  /** Query parameters that steer Wharf, not the function. */
  private static final Set<String> RESERVED = Set.of("async");

  private CallBody() {
  }

  static JsonObject of(JsonArray pathArgs, MultiMap query, Buffer body) {
    JsonArray args = pathArgs.copy();
    JsonObject kwargs = new JsonObject();
    for (String name : query.names()) {
      if (RESERVED.contains(name)) {
        continue;
      }
      List<String> values = query.getAll(name);
      kwargs.put(name, values.size() == 1 ? values.get(0) : new JsonArray(List.copyOf(values)));
    }
    if (body.length() > 0) {
      JsonObject object;
      try {
        object = body.toJsonObject();
      } catch (DecodeException | ClassCastException e) {
        throw new IllegalArgumentException("the body must be a JSON object of keyword arguments, or {\"args\": [...], \"kwargs\": {...}}");
      }
      if (!object.isEmpty() && Set.of("args", "kwargs").containsAll(object.fieldNames())) {
        Object bodyArgs = object.getValue("args", new JsonArray());
        Object bodyKwargs = object.getValue("kwargs", new JsonObject());
        if (!(bodyArgs instanceof JsonArray list) || !(bodyKwargs instanceof JsonObject map)) {
          throw new IllegalArgumentException("args must be a list and kwargs an object");
        }
        args.addAll(list);
        kwargs.mergeIn(map);
      } else {
        kwargs.mergeIn(object);
      }
    }
    return new JsonObject().put("args", args).put("kwargs", kwargs);
  }
}
