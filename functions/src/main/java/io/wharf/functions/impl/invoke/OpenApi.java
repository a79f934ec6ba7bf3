package io.wharf.functions.impl.invoke;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wharf.functions.impl.registry.FunctionRecord;

import java.util.Map;

/**
 * An OpenAPI 3.0 description of a function, built from its runtime's {@code /describe}
 * ({@code {"commands": [{"name", "doc", "returns", "parameters": [{"name", "kind", "required", "type"}]}]}},
 * functions/runtime/PROTOCOL.md; a map by name is taken too): one POST operation per command, its
 * parameters as a JSON body with the runtime's JSON Schema types, and the error shapes.
 */
final class OpenApi {

  private static final Map<String, String> TYPES = Map.ofEntries(Map.entry("int", "integer"), Map.entry("float", "number"),
    Map.entry("str", "string"), Map.entry("bool", "boolean"), Map.entry("list", "array"), Map.entry("dict", "object"),
    Map.entry("integer", "integer"), Map.entry("number", "number"), Map.entry("string", "string"), Map.entry("boolean", "boolean"),
    Map.entry("array", "array"), Map.entry("object", "object"), Map.entry("null", "null"));

  private OpenApi() {
  }

  static JsonObject of(FunctionRecord fn, JsonObject describe) {
    JsonObject paths = new JsonObject();
    Object commands = describe.getValue("commands");
    if (commands instanceof JsonObject byName) {
      byName.forEach(e -> paths.put("/" + e.getKey(), operation(e.getKey(), asObject(e.getValue()))));
    } else if (commands instanceof JsonArray list) {
      list.forEach(c -> {
        JsonObject command = asObject(c);
        paths.put("/" + command.getString("name", "?"), operation(command.getString("name", "?"), command));
      });
    }
    JsonObject problem = new JsonObject().put("type", "object").put("properties", new JsonObject()
      .put("title", new JsonObject().put("type", "string")).put("status", new JsonObject().put("type", "integer"))
      .put("detail", new JsonObject().put("type", "string"))
      .put("error", new JsonObject().put("type", "object").put("description", "the function's exception: type and message")));
    return new JsonObject().put("openapi", "3.0.3")
      .put("info", new JsonObject().put("title", fn.owner() + "/" + fn.name()).put("version", fn.version()))
      .put("servers", new JsonArray().add(new JsonObject().put("url", "/fn/" + fn.owner() + "/" + fn.name())))
      .put("paths", paths)
      .put("components", new JsonObject().put("schemas", new JsonObject().put("Problem", problem))
        .put("securitySchemes", new JsonObject().put("key", new JsonObject().put("type", "http").put("scheme", "bearer"))))
      .put("security", fn.open() ? new JsonArray() : new JsonArray().add(new JsonObject().put("key", new JsonArray())));
  }

  private static JsonObject asObject(Object value) {
    return value instanceof JsonObject object ? object : new JsonObject();
  }

  private static JsonObject operation(String name, JsonObject command) {
    JsonObject properties = new JsonObject();
    JsonArray required = new JsonArray();
    for (Object p : command.getJsonArray("parameters", new JsonArray())) {
      JsonObject parameter = asObject(p);
      String pname = parameter.getString("name", "");
      if (pname.isEmpty() || pname.startsWith("*") || "var".equals(parameter.getString("kind"))) {
        continue;
      }
      properties.put(pname, schema(parameter.getValue("type", parameter.getValue("annotation"))));
      if (parameter.getBoolean("required", !parameter.containsKey("default"))) {
        required.add(pname);
      }
    }
    JsonObject body = new JsonObject().put("type", "object").put("properties", properties);
    if (!required.isEmpty()) {
      body.put("required", required);
    }
    JsonObject problem = new JsonObject().put("application/problem+json",
      new JsonObject().put("schema", new JsonObject().put("$ref", "#/components/schemas/Problem")));
    JsonObject responses = new JsonObject()
      .put("200", new JsonObject().put("description", "the result").put("content", new JsonObject().put("application/json",
        new JsonObject().put("schema", new JsonObject().put("type", "object").put("properties",
          new JsonObject().put("result", schema(command.getValue("returns"))))))));
    for (String status : new String[] {"401", "403", "404", "413", "429", "500", "503", "504"}) {
      responses.put(status, new JsonObject().put("description", "see the problem's title").put("content", problem));
    }
    return new JsonObject().put("post", new JsonObject().put("operationId", name)
      .put("summary", command.getString("doc", ""))
      .put("requestBody", new JsonObject().put("content", new JsonObject().put("application/json",
        new JsonObject().put("schema", body))))
      .put("responses", responses));
  }

  private static JsonObject schema(Object annotation) {
    if (!(annotation instanceof String hint) || hint.isEmpty()) {
      return new JsonObject();
    }
    String base = hint.contains("[") ? hint.substring(0, hint.indexOf('[')) : hint;
    String type = TYPES.get(base.toLowerCase().replace("typing.", ""));
    return type == null ? new JsonObject().put("description", hint) : new JsonObject().put("type", type);
  }
}
