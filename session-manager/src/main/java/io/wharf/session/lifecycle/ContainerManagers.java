package io.wharf.session.lifecycle;

import io.wharf.container.ContainerManager;

/** The container manager of any instance, reached over the (clustered) event bus; a fake in tests. */
@FunctionalInterface
public interface ContainerManagers {

  ContainerManager on(String instance);
}
