package io.wharf.container.impl;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.model.Network;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NotebookNetworkTest {

  private static final String ID = "26d68d5ae0399b5511753a0736c66070a51da4e1a33d7e4b2f6d9adca062d49b";

  /** A network as Docker's inspect answers it, here as Wharf creates it. */
  private static JsonObject created() {
    return new JsonObject().put("Name", "wharf-notebooks").put("Id", ID).put("Driver", "bridge")
      .put("EnableIPv6", false).put("Internal", false)
      .put("IPAM", new JsonObject().put("Config", new JsonArray()
        .add(new JsonObject().put("Subnet", "172.18.0.0/16").put("Gateway", "172.18.0.1"))))
      .put("Options", new JsonObject(new HashMap<>(NotebookNetwork.createOptions())))
      .put("Labels", new JsonObject(new HashMap<>(NotebookNetwork.labels())));
  }

  private static Network network(JsonObject json) throws Exception {
    return new ObjectMapper().readValue(json.encode(), Network.class);
  }

  @Test
  void wharfCreatesABridgeWhoseContainersCannotReachEachOtherLabelledAsItsOwn() {
    assertEquals(Map.of("com.docker.network.bridge.enable_icc", "false"), NotebookNetwork.createOptions());
    assertEquals(Map.of("wharf.managed", "true"), NotebookNetwork.labels());
  }

  @Test
  void theBridgeIsNamedAfterTheNetworkIdAsDockerNamesIt() throws Exception {
    NotebookNetwork.Bridge bridge = NotebookNetwork.bridgeOf(network(created()));
    assertEquals(new NotebookNetwork.Bridge(ID, "wharf-notebooks", "br-26d68d5ae039", "172.18.0.0/16", "172.18.0.1"), bridge);
  }

  @Test
  void anOperatorsBridgeNameIsKept() throws Exception {
    JsonObject json = created();
    json.getJsonObject("Options").put("com.docker.network.bridge.name", "wharf0").put("com.docker.network.bridge.enable_icc", "0");
    assertEquals("wharf0", NotebookNetwork.bridgeOf(network(json)).interfaceName());
  }

  @Test
  void refusesANetworkWhoseContainersReachEachOther() throws Exception {
    JsonObject json = created().put("Options", new JsonObject());
    ContainerFailure failure = assertThrows(ContainerFailure.class, () -> NotebookNetwork.bridgeOf(network(json)));
    assertTrue(failure.getMessage().contains("can reach each other"), failure.getMessage());
  }

  @Test
  void refusesAnInternalNetworkSinceNothingWouldBePublished() throws Exception {
    ContainerFailure failure = assertThrows(ContainerFailure.class,
      () -> NotebookNetwork.bridgeOf(network(created().put("Internal", true))));
    assertTrue(failure.getMessage().contains("publishes no ports"), failure.getMessage());
  }

  @Test
  void namesEveryProblemAtOnce() throws Exception {
    JsonObject json = created().put("Driver", "macvlan").put("EnableIPv6", true).put("IPAM", new JsonObject());
    ContainerFailure failure = assertThrows(ContainerFailure.class, () -> NotebookNetwork.bridgeOf(network(json)));
    assertTrue(failure.getMessage().startsWith("Docker network wharf-notebooks cannot hold notebooks: "), failure.getMessage());
    for (String problem : new String[] {"not bridge", "IPv6", "no IPv4 subnet"}) {
      assertTrue(failure.getMessage().contains(problem), problem + " in " + failure.getMessage());
    }
  }
}
