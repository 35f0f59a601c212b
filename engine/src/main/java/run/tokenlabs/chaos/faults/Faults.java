package run.tokenlabs.chaos.faults;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

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
