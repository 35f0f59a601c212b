package run.tokenlabs.chaos.lab.chaosmesh;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import run.tokenlabs.chaos.lab.gateway.UpstreamImpairment;
import run.tokenlabs.chaos.lab.kube.PodTarget;

/**
 * The network and HTTP faults in force on the gateway-to-pod path, by pod, as the gateway's
 * {@link UpstreamImpairment}. Network delay adds the latency give or take the jitter (correlation is
 * not modelled); loss costs a request a 200 ms retransmission (Linux's minimum RTO) with the loss
 * probability, since TCP resends a lost segment rather than losing the request; partition makes the
 * pod unreachable; HTTP abort and delay act on the requests to the pod's server.
 */
final class PathImpairments implements UpstreamImpairment {
  static final Duration RETRANSMISSION = Duration.ofMillis(200);

  /** One fault on one pod. */
  record Fault(Duration latency, Duration jitter, int lossPercent, boolean partitioned, boolean aborted) {}

  private final Supplier<List<PodTarget>> pods;
  /** By resource ({@code kind/namespace/name}), then by pod. */
  private final Map<String, Map<String, Fault>> faults = new ConcurrentHashMap<>();

  PathImpairments(Supplier<List<PodTarget>> pods) {
    this.pods = pods;
  }

  void put(String resource, Map<String, Fault> byPod) {
    faults.put(resource, Map.copyOf(byPod));
  }

  void remove(String resource) {
    faults.remove(resource);
  }

  @Override
  public Effect on(URI upstream) {
    if (faults.isEmpty()) {
      return Effect.NONE;
    }
    String pod = pods.get().stream().filter(t -> t.uri().getPort() == upstream.getPort()).map(PodTarget::pod)
        .findFirst().orElse(null);
    long delayMillis = 0;
    boolean partitioned = false;
    boolean aborted = false;
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (Map<String, Fault> byPod : faults.values()) {
      Fault f = pod == null ? null : byPod.get(pod);
      if (f == null) {
        continue;
      }
      long jitter = f.jitter().toMillis();
      delayMillis += f.latency().toMillis() + (jitter == 0 ? 0 : random.nextLong(-jitter, jitter + 1));
      if (f.lossPercent() > 0 && random.nextInt(100) < f.lossPercent()) {
        delayMillis += RETRANSMISSION.toMillis();
      }
      partitioned |= f.partitioned();
      aborted |= f.aborted();
    }
    return new Effect(Duration.ofMillis(Math.max(0, delayMillis)), partitioned, aborted);
  }
}
