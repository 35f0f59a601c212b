package run.tokenlabs.chaos.lab.gateway;

import java.net.URI;
import java.time.Duration;

/**
 * What the network and the pod's HTTP path do to a request the gateway sends to one upstream: the
 * hook through which the lab applies a Chaos Mesh {@code NetworkChaos} or {@code HTTPChaos} on the
 * gateway-to-pod path (the lab cannot use the kernel's traffic control, so it acts where its own
 * traffic passes).
 */
@FunctionalInterface
public interface UpstreamImpairment {
  /** No impairment. */
  UpstreamImpairment NONE = upstream -> Effect.NONE;

  /** The effect on the next request to {@code upstream} (a pod's base URL). Called once per request. */
  Effect on(URI upstream);

  /**
   * One request's fate.
   *
   * @param delay added before the request reaches the pod (network delay, a retransmission after a
   *     lost packet, an HTTP delay)
   * @param partitioned the pod cannot be reached: the connection attempt times out
   * @param aborted the pod's HTTP server drops the connection before it answers
   */
  record Effect(Duration delay, boolean partitioned, boolean aborted) {
    public static final Effect NONE = new Effect(Duration.ZERO, false, false);
  }
}
