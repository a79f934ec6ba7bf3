package io.wharf.container.impl;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The runtime's socket is offered only where its path fits a Unix socket address (108 bytes with the NUL). */
class DockerFunctionsSocketTest {

  @Test
  void aSocketInDockersDefaultDataRootFits() {
    String source = "/var/lib/docker/volumes/" + "a".repeat(64) + "/_data";
    assertEquals(source + "/rt", DockerFunctions.socketPath(source));
  }

  @Test
  void aPathTooLongForASocketLeavesThePortOnly() {
    String source = "/srv/a-long-docker-data-root/docker/volumes/" + "a".repeat(64) + "/_data";
    assertEquals("", DockerFunctions.socketPath(source));
  }
}
