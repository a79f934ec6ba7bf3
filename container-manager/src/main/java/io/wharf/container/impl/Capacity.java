package io.wharf.container.impl;

/**
 * The capacity rules when notebooks come first ({@code functions.notebooks-first}): a function
 * container never takes the instance's last free place, and a notebook may take the places of
 * unclaimed warm-pool containers, which are removed for it.
 */
final class Capacity {

  private Capacity() {
  }

  /** Whether one more function container fits beside {@code running} containers and {@code launching} launches (this one included). */
  static boolean functionFits(int running, int launching, int maxContainers, boolean notebooksFirst) {
    return running + launching <= maxContainers - (notebooksFirst ? 1 : 0);
  }

  /**
   * How many unclaimed warm containers a notebook launch must remove so that it fits: {@code running} and
   * {@code reserved} leave the warm ones out, {@code launching} and {@code launchingMemory} include this launch.
   *
   * @param warmMemory what one warm container reserves
   */
  static int warmToRelease(int running, int warm, int launching, int maxContainers, long reserved, long warmReserved,
                           long launchingMemory, long maxMemory, long warmMemory) {
    int byCount = running + warm + launching - maxContainers;
    long memoryOver = maxMemory <= 0 ? 0 : reserved + warmReserved + launchingMemory - maxMemory;
    int byMemory = memoryOver <= 0 ? 0 : (int) ((memoryOver + Math.max(1, warmMemory) - 1) / Math.max(1, warmMemory));
    return Math.min(warm, Math.max(0, Math.max(byCount, byMemory)));
  }
}
