package io.wharf.container;

import io.vertx.core.json.JsonObject;
import io.wharf.config.WharfConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Where snapshots are kept: under the data directory by default, or the directory instances share. */
class FunctionContainerOptionsTest {

  @Test
  void snapshotsLiveUnderTheDataDirectoryUnlessASharedDirectoryIsSet() {
    JsonObject config = WharfConfig.defaults();
    config.getJsonObject("instance").put("data-dir", "/var/lib/wharf-a");
    assertEquals(Path.of("/var/lib/wharf-a/functions/snapshots"), FunctionContainerOptions.fromJson(config).snapshotRoot());

    config.getJsonObject("functions").put("snapshot-dir", "/srv/wharf/snapshots");
    assertEquals(Path.of("/srv/wharf/snapshots"), FunctionContainerOptions.fromJson(config).snapshotRoot());
    assertEquals(Path.of("/var/lib/wharf-a"), FunctionContainerOptions.fromJson(config).dataDir());
  }
}
