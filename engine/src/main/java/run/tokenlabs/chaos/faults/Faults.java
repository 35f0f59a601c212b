package run.tokenlabs.chaos.faults;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apiguardian.api.API;
import run.tokenlabs.chaos.api.Chaos;
import run.tokenlabs.chaos.api.spi.Fault;

/** The built-in faults. Inject them with {@link Chaos#inject(Fault)}. */
@API(status = EXPERIMENTAL, since = "0.1")
public final class Faults {
  private Faults() {
  }

  /**
   * Force-deletes one pod matching {@code labelSelector} (a Kubernetes label selector, e.g.
   * {@code app=deepseek-r1-7b} or {@code app in (a,b),tier!=batch}, read as the API server reads it;
   * an invalid or empty one is refused) in {@code namespace}, with grace period 0. Rollback: a bare pod is
   * recreated from its captured manifest; a controller-managed pod is awaited until its controller
   * has replaced it and it is Ready.
   */
  public static ForceDeletePodFault forceDeletePod(String namespace, String labelSelector) {
    return new ForceDeletePodFault(namespace, labelSelector);
  }

  /**
   * Reports XID {@code xid} on GPU {@code gpuId} of {@code node}, as {@code dcgmi test --inject --gpuid N -f 230
   * -v XID} run by exec in the DCGM pod on that node ({@code dcgmNamespace}, pods matching
   * {@code dcgmSelector}). Rollback: writes 0 back into the field. See {@link GpuXidFault}.
   */
  public static GpuXidFault gpuXid(String dcgmNamespace, String dcgmSelector, String node, int gpuId, int xid) {
    return new GpuXidFault(dcgmNamespace, dcgmSelector, node, gpuId, xid);
  }

  /**
   * Restarts the pods of Deployment {@code deployment} in {@code namespace} by rolling update, as
   * {@code kubectl rollout restart}. Rollback: waits until the rollout has finished. See
   * {@link RollingRestartFault}.
   */
  public static RollingRestartFault rollingRestart(String namespace, String deployment) {
    return new RollingRestartFault(namespace, deployment);
  }

  /**
   * Delays the packets of one pod matching {@code selector} in {@code namespace} (a model's pod) by
   * {@code latency}, give or take {@code jitter}, each delay correlated by {@code correlationPercent}
   * with the previous one: a Chaos Mesh {@code NetworkChaos} with {@code action: delay}. With a
   * {@code peerSelector} only the traffic with those pods of the same namespace is delayed; with
   * {@code null}, all of the pod's traffic (its path from the gateway included). Selectors are
   * {@code key=value} pairs.
   */
  public static ChaosMeshFault networkDelay(String namespace, String selector, String peerSelector, Duration latency,
      Duration jitter, int correlationPercent) {
    Map<String, Object> delay = new LinkedHashMap<>();
    delay.put("latency", ChaosMeshManifest.goDuration(latency));
    delay.put("jitter", ChaosMeshManifest.goDuration(jitter));
    delay.put("correlation", percent(correlationPercent));
    return ChaosMeshFault.of(ChaosKind.NETWORK, namespace, selector, peerSelector,
        Map.of("action", "delay", "delay", delay), "delay " + delay.get("latency") + " (jitter " + delay.get("jitter")
            + ", correlation " + correlationPercent + "%)");
  }

  /** Drops {@code lossPercent} % of the packets between the pods, as {@link #networkDelay} selects them. */
  public static ChaosMeshFault networkLoss(String namespace, String selector, String peerSelector, int lossPercent) {
    return ChaosMeshFault.of(ChaosKind.NETWORK, namespace, selector, peerSelector,
        Map.of("action", "loss", "loss", Map.of("loss", percent(lossPercent), "correlation", "0")),
        "loss " + lossPercent + "%");
  }

  /** Cuts the network between the pods, as {@link #networkDelay} selects them: nothing gets through. */
  public static ChaosMeshFault networkPartition(String namespace, String selector, String peerSelector) {
    return ChaosMeshFault.of(ChaosKind.NETWORK, namespace, selector, peerSelector, Map.of("action", "partition"),
        "partition");
  }

  /**
   * Aborts every HTTP request to {@code port} of one pod matching {@code selector}: the connection is
   * closed without an answer. A Chaos Mesh {@code HTTPChaos} on the request side, every path.
   */
  public static ChaosMeshFault httpAbort(String namespace, String selector, int port) {
    return ChaosMeshFault.of(ChaosKind.HTTP, namespace, selector, null, http(port, "Request", "abort", true),
        "abort requests to port " + port);
  }

  /** Holds every HTTP request to {@code port} of one pod matching {@code selector} for {@code delay}. */
  public static ChaosMeshFault httpDelay(String namespace, String selector, int port, Duration delay) {
    String go = ChaosMeshManifest.goDuration(delay);
    return ChaosMeshFault.of(ChaosKind.HTTP, namespace, selector, null, http(port, "Request", "delay", go),
        "delay requests to port " + port + " by " + go);
  }

  /**
   * Merges {@code jsonMergePatch} (RFC 7396) into every JSON response body from {@code port} of one
   * pod matching {@code selector}: Chaos Mesh's {@code patch.body} of type {@code JSON}.
   */
  public static ChaosMeshFault httpPatchBody(String namespace, String selector, int port, String jsonMergePatch) {
    Map<String, Object> patch = Map.of("body", Map.of("type", "JSON", "value", jsonMergePatch));
    return ChaosMeshFault.of(ChaosKind.HTTP, namespace, selector, null, http(port, "Response", "patch", patch),
        "patch response bodies from port " + port);
  }

  /**
   * Kills {@code container} in one pod matching {@code selector} (the serving process dies mid-stream;
   * the kubelet restarts it): a Chaos Mesh {@code PodChaos} with {@code action: container-kill}.
   * Counts against {@code kubernetes.maxPodsPerRun}.
   */
  public static ChaosMeshFault containerKill(String namespace, String selector, String container) {
    return ChaosMeshFault.of(ChaosKind.POD, namespace, selector, null,
        Map.of("action", "container-kill", "containerNames", List.of(container)), "container-kill " + container);
  }

  /**
   * Makes one pod matching {@code selector} fail (unready, its containers unable to run) until the
   * fault ends: a Chaos Mesh {@code PodChaos} with {@code action: pod-failure}. Counts against
   * {@code kubernetes.maxPodsPerRun}.
   */
  public static ChaosMeshFault podFailure(String namespace, String selector) {
    return ChaosMeshFault.of(ChaosKind.POD, namespace, selector, null, Map.of("action", "pod-failure"), "pod-failure");
  }

  private static Map<String, Object> http(int port, String side, String key, Object value) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is not a TCP port; pass the model server's port, e.g. 8000");
    }
    return Map.of("target", side, "port", port, "path", "*", key, value);
  }

  /** A percentage as Chaos Mesh writes it: a string of 0 to 100. */
  private static String percent(int value) {
    if (value < 0 || value > 100) {
      throw new IllegalArgumentException("percentage " + value + " is outside 0..100; pass a value in that range");
    }
    return Integer.toString(value);
  }

  /**
   * Drains {@code node} as {@code kubectl drain}: cordons it, then evicts its pods in {@code namespaces}
   * through the Eviction API, honouring PodDisruptionBudgets (a blocked eviction is retried for
   * {@link DrainNodeFault#DEFAULT_EVICTION_RETRY}; see {@link DrainNodeFault#retryEvictionsFor}). Pods in other
   * namespaces, DaemonSet and mirror pods stay. Rollback: uncordons it. The node must be listed in
   * {@code kubernetes.allowedNodes} and labelled for chaos. See {@link DrainNodeFault}.
   */
  public static DrainNodeFault drainNode(String node, String... namespaces) {
    return new DrainNodeFault(node, java.util.Set.of(namespaces), DrainNodeFault.DEFAULT_EVICTION_RETRY);
  }
}
