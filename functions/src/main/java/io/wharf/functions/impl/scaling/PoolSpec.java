package io.wharf.functions.impl.scaling;

/**
 * What the pool of one function scales by: its version and its registration's limits.
 *
 * @param concurrency calls one container takes at once (a hard limit)
 */
public record PoolSpec(String owner, String function, String version, int concurrency, int minContainers, int maxContainers) {

  public String key() {
    return owner + "/" + function;
  }
}
