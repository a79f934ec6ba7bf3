package io.wharf.server.it;

import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** Runs code in a Jupyter kernel over its channels WebSocket, through Wharf's router. */
final class NotebookKernel {

  private NotebookKernel() {
  }

  /** Executes {@code code} and returns the {@code text/plain} of its execute_result. */
  /**
   * Sends {@code code} for execution and disconnects once the kernel reports itself busy, as a
   * user who closes the browser while a long computation runs.
   */
  static void submitAndLeave(HubClient client, String user, String kernelId, String code) throws Exception {
    CompletableFuture<Void> busy = new CompletableFuture<>();
    String session = UUID.randomUUID().toString();
    WebSocket socket = connect(client, user, kernelId, session, client.base(), message -> {
      if ("status".equals(message.getJsonObject("header").getString("msg_type"))
        && "busy".equals(message.getJsonObject("content").getString("execution_state"))
        && "execute_request".equals(message.getJsonObject("parent_header").getString("msg_type"))) {
        busy.complete(null);
      }
    }, busy);
    try {
      socket.sendText(executeRequest(user, session, code).encode(), true).get(10, TimeUnit.SECONDS);
      busy.get(30, TimeUnit.SECONDS);
    } finally {
      socket.abort();
    }
  }

  static String execute(HubClient client, String user, String kernelId, String code, String origin) throws Exception {
    CompletableFuture<String> result = new CompletableFuture<>();
    String session = UUID.randomUUID().toString();
    WebSocket socket = connect(client, user, kernelId, session, origin, message -> {
      if ("execute_result".equals(message.getJsonObject("header").getString("msg_type"))) {
        result.complete(message.getJsonObject("content").getJsonObject("data").getString("text/plain"));
      }
    }, result);
    try {
      socket.sendText(executeRequest(user, session, code).encode(), true).get(10, TimeUnit.SECONDS);
      return result.get(60, TimeUnit.SECONDS);
    } finally {
      socket.abort();
    }
  }

  /** Opens the kernel's channels through the router; {@code onMessage} sees every whole message. */
  private static WebSocket connect(HubClient client, String user, String kernelId, String session, String origin,
                                   java.util.function.Consumer<JsonObject> onMessage, CompletableFuture<?> failure) throws Exception {
    String wsBase = client.base().replace("https://", "wss://");
    WebSocket.Builder builder = client.http().newWebSocketBuilder();
    if (!client.cookieHeader().isEmpty()) {
      builder.header("Cookie", client.cookieHeader());
    }
    if (client.authorization() != null) {
      builder.header("Authorization", client.authorization());
    }
    return builder
      .header("Origin", origin)
      .connectTimeout(Duration.ofSeconds(10))
      .buildAsync(URI.create(wsBase + "/user/" + user + "/api/kernels/" + kernelId + "/channels?session_id=" + session),
        new WebSocket.Listener() {
          private final StringBuilder text = new StringBuilder();

          @Override
          public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
              JsonObject message = new JsonObject(text.toString());
              text.setLength(0);
              onMessage.accept(message);
            }
            ws.request(1);
            return null;
          }

          @Override
          public void onError(WebSocket ws, Throwable error) {
            failure.completeExceptionally(error);
          }
        }).get(15, TimeUnit.SECONDS);
  }

  private static JsonObject executeRequest(String user, String session, String code) {
    return new JsonObject()
      .put("header", new JsonObject().put("msg_id", UUID.randomUUID().toString()).put("username", user)
        .put("session", session).put("msg_type", "execute_request").put("version", "5.3"))
      .put("parent_header", new JsonObject())
      .put("metadata", new JsonObject())
      .put("content", new JsonObject().put("code", code).put("silent", false).put("store_history", true)
        .put("user_expressions", new JsonObject()).put("allow_stdin", false).put("stop_on_error", true))
      .put("channel", "shell");
  }
}
