package run.tokenlabs.chaos.lab.dcgm;

import java.util.function.LongSupplier;

/**
 * A pod using a node's GPU, as dcgm-exporter's Kubernetes mapping sees it.
 *
 * @param pod pod name
 * @param namespace its namespace
 * @param container the container holding the GPU
 * @param busyNanos cumulative nanoseconds the simulated GPU spent on this pod's steps
 */
public record GpuOccupant(String pod, String namespace, String container, LongSupplier busyNanos) {}
