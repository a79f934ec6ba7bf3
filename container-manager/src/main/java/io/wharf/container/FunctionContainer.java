package io.wharf.container;

import io.vertx.core.json.JsonObject;

/**
 * A function container just launched, loaded or claimed.
 *
 * @param info   the container, its runtime's port published at {@code info.host()}:{@code info.port()}
 * @param socket the host path of its runtime's Unix socket on the container manager's host, bound once the runtime is
 *               ready; empty when it has none. A caller that sees it there may call the runtime on it instead of the port
 */
public record FunctionContainer(ContainerInfo info, String socket) {

  /** The member of the container manager's answer that carries {@link #socket}. */
  public static final String SOCKET = "socket";

  public static FunctionContainer fromJson(JsonObject json) {
    return new FunctionContainer(ContainerInfo.fromJson(json), json.getString(SOCKET, ""));
  }
}
