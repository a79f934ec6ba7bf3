package io.wharf.session.store;

import java.io.Serializable;

/**
 * What an instance reports about itself to the cluster, every few seconds.
 *
 * @param id             instance id (labels its containers)
 * @param address        advertise address: where its containers and router are reachable
 * @param member         Hazelcast member uuid, to tell whether the instance is alive
 * @param running        running notebook containers, as its container manager counts them
 * @param memoryReserved memory reserved by them, in bytes
 * @param maxContainers  its container limit
 * @param maxMemory      its memory limit in bytes; 0 for none
 * @param dockerUp       whether its Docker engine answered at the last report
 * @param reportedAt     epoch millis of the report
 */
public record InstanceInfo(String id, String address, String member, int running, long memoryReserved,
                           int maxContainers, long maxMemory, boolean dockerUp, long reportedAt) implements Serializable {
}
