package io.wharf.session.testing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Response;
import io.vertx.openapi.impl.Utils;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Checks the hub's API replies against JupyterHub's published REST API description
 * ({@code src/test/resources/jupyterhub/rest-api.yml}, see the README there). {@link HubClient}
 * calls {@link #check} on every reply, so every test of the hub checks what it receives:
 * <ul>
 *   <li>a request the description has an operation for, answered with a 2xx, must be answered
 *   with a status the operation declares;</li>
 *   <li>where the description declares a JSON body for that status, the body must match its schema.</li>
 * </ul>
 * Errors are not checked here (the description declares no body for them); {@link HubReply#assertError}
 * checks their shape. Paths the description does not have (Wharf's own: profiles, instances,
 * progress streams) are not checked.
 *
 * <p>One leniency: JupyterHub itself answers {@code null} for fields its description types as plain
 * strings ({@code server}, {@code pending}, {@code last_activity}, {@code started}, {@code expires_at}
 * when there is none); a null member of an object is checked as an absent one.
 */
public final class OpenApiReplies {

  private static final String SPEC = "jupyterhub/rest-api.yml";
  private static final String BASE = "/hub/api";
  static final String PAGINATION = "application/jupyterhub-pagination+json";

  private final OpenAPIContract contract;

  private OpenApiReplies(OpenAPIContract contract) {
    this.contract = contract;
  }

  /**
   * Loads the description (from the test class path). Its OAuth flow URLs are paths
   * ({@code /hub/api/oauth2/...}), which the OpenAPI 3.1 meta-schema does not allow (it wants
   * absolute URIs) and Vert.x checks, and so is its server's URL ({@code /hub/api}): they are made
   * absolute before the contract is built. The OAuth endpoints, whose form bodies Vert.x does not
   * support and which Wharf does not have, are left out.
   */
  public static Future<OpenApiReplies> load(Vertx vertx) {
    return Utils.readYamlOrJson(vertx, SPEC).compose(raw -> {
      JsonObject flow = raw.getJsonObject("components").getJsonObject("securitySchemes").getJsonObject("oauth2")
        .getJsonObject("flows").getJsonObject("authorizationCode");
      for (String key : new String[] {"authorizationUrl", "tokenUrl"}) {
        flow.put(key, "http://127.0.0.1" + flow.getString(key));
      }
      raw.getJsonObject("paths").remove("/oauth2/authorize");
      raw.getJsonObject("paths").remove("/oauth2/token");
      raw.getJsonArray("servers").getJsonObject(0).put("url", "http://127.0.0.1" + BASE);
      return OpenAPIContract.from(vertx, raw);
    }).map(OpenApiReplies::new);
  }

  /** The operation the description has for this request, or null. */
  public Operation operation(String method, String pathAndQuery) {
    if (!pathAndQuery.startsWith(BASE + "/") && !pathAndQuery.equals(BASE)) {
      return null;
    }
    int query = pathAndQuery.indexOf('?');
    String path = query < 0 ? pathAndQuery : pathAndQuery.substring(0, query);
    // The description's paths are relative to its server, /hub/api; GET /hub/api is its "/".
    try {
      return contract.findOperation(path.equals(BASE) ? BASE + "/" : path, HttpMethod.valueOf(method));
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * Fails the test when {@code reply} to {@code method pathAndQuery} does not match the description.
   * A request that accepted {@value #PAGINATION} gets JupyterHub's envelope, which the description
   * names ({@code PaginatedList}) but does not put on its operations: its {@code items} are checked
   * against the operation's schema, its {@code _pagination} against {@code Pagination}.
   */
  public void check(String method, String pathAndQuery, String accept, HubReply reply) {
    Operation operation = operation(method, pathAndQuery);
    if (operation == null || reply.status() < 200 || reply.status() >= 300) {
      return;
    }
    String where = method + " " + pathAndQuery + " (" + operation.getOperationId() + ") answered " + reply.status();
    Response response = operation.getResponse(reply.status());
    if (response == null) {
      fail(where + ", a status the description does not declare; body: " + reply.body());
      return;
    }
    Map<String, MediaType> content = response.getContent();
    MediaType json = content == null ? null : content.get("application/json");
    if (json == null || json.getSchema() == null) {
      return;
    }
    Object body;
    try {
      body = withoutNulls(Json.decodeValue(reply.body()));
    } catch (DecodeException e) {
      fail(where + " with a body that is not JSON: " + reply.body());
      return;
    }
    if (accept != null && accept.contains(PAGINATION)) {
      if (!(body instanceof JsonObject envelope) || !envelope.containsKey("items") || !envelope.containsKey("_pagination")) {
        fail(where + " without the pagination envelope: " + reply.body());
        return;
      }
      validate(where + " (items)", json.getSchema(), envelope.getValue("items"), reply);
      validate(where + " (_pagination)", JsonSchema.of(contract.getRawContract().getJsonObject("components")
        .getJsonObject("schemas").getJsonObject("Pagination")), envelope.getValue("_pagination"), reply);
    } else {
      validate(where, json.getSchema(), body, reply);
    }
  }

  private void validate(String where, JsonSchema schema, Object body, HubReply reply) {
    OutputUnit result = contract.getSchemaRepository().validator(schema).validate(body);
    if (!Boolean.TRUE.equals(result.getValid())) {
      fail(where + " with a body the description does not allow: " + result.getErrors() + "\nbody: " + reply.body());
    }
  }

  private static Object withoutNulls(Object value) {
    if (value instanceof JsonObject object) {
      JsonObject copy = new JsonObject();
      object.forEach(e -> {
        if (e.getValue() != null) {
          copy.put(e.getKey(), withoutNulls(e.getValue()));
        }
      });
      return copy;
    }
    if (value instanceof JsonArray array) {
      JsonArray copy = new JsonArray();
      array.forEach(item -> copy.add(withoutNulls(item)));
      return copy;
    }
    return value;
  }
}
