package run.tokenlabs.chaos.faults;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.apiguardian.api.API;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.api.spi.Fault;
import run.tokenlabs.chaos.api.spi.Rollback;

/**
 * Reports a GPU XID error on one GPU, the way {@code dcgmi test --inject --gpuid N -f 230 -v XID}
 * does: it writes the XID into DCGM field 230 ({@code DCGM_FI_DEV_XID_ERRORS}) of that GPU through
 * the DCGM pod on its node, by exec (the pods/exec subresource, as {@code kubectl exec}). What
 * watches DCGM (dcgm-exporter's {@code DCGM_FI_DEV_XID_ERRORS}, alert rules, DCGM health watches)
 * then sees the error as if the driver had raised it. The classes that matter for serving: 79 (the GPU
 * fell off the bus), 48 (double-bit ECC), 94 and 95 (contained and uncontained ECC).
 *
 * <p>On a real node the injection changes what DCGM reports, not the GPU: the model server keeps
 * running, and the experiment measures the alerting path. The lab's simulator also fails the model
 * server on that GPU for 79 and 95, as vLLM fails when the GPU is lost. The rollback writes 0 back.
 *
 * <p>The exec needs {@code create} on {@code pods/exec} in the DCGM pods' namespace, granted by the
 * opt-in Role {@code k8s-rbac/role-dcgm-exec.yaml}; the namespace must be allowed and labelled for
 * chaos like any other, since the blast radius treats exec as a change.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class GpuXidFault implements Fault<GpuXidFault.ResetXid> {
  /** {@code DCGM_FI_DEV_XID_ERRORS}: the value of the last XID error on the GPU. */
  public static final int XID_FIELD = 230;
  static final Duration EXEC_TIMEOUT = Duration.ofSeconds(30);

  private final String namespace;
  private final String selector;
  private final LabelSelectors.Selector labels;
  private final String node;
  private final int gpuId;
  private final int xid;
  private volatile DcgmInjection injection;

  /**
   * @param namespace the DCGM pods' namespace ({@code gpu-operator})
   * @param selector a label selector of the DCGM pods ({@code app=nvidia-dcgm-exporter})
   * @param node the node of the GPU
   * @param gpuId the GPU's DCGM id on that node
   * @param xid the XID to report, positive
   */
  public GpuXidFault(String namespace, String selector, String node, int gpuId, int xid) {
    this.namespace = Objects.requireNonNull(namespace, "namespace");
    this.selector = Objects.requireNonNull(selector, "selector");
    this.labels = LabelSelectors.parse(selector);
    this.node = Objects.requireNonNull(node, "node");
    if (gpuId < 0 || xid <= 0) {
      throw new IllegalArgumentException("GPU id must be >= 0 and XID > 0 (seen GPU " + gpuId + ", XID " + xid
          + "); XIDs are positive: 79 fell off the bus, 48 double-bit ECC, 94/95 contained/uncontained ECC");
    }
    this.gpuId = gpuId;
    this.xid = xid;
  }

  @Override
  public String description() {
    DcgmInjection chosen = injection;
    String how = chosen == null ? "through the DCGM pod matching " + selector + " in " + namespace + " on " + node
        : "by '" + chosen.kubectl() + "'";
    return "report XID " + xid + " on GPU " + gpuId + " of node " + node + " " + how;
  }

  @Override
  public Set<String> namespaces() {
    return Set.of(namespace);
  }

  @Override
  public ResetXid prepare(Target target) {
    List<Pod> pods = ForceDeletePodFault.matching(target.kubernetes(), namespace, labels);
    Pod pod = pods.stream().filter(p -> node.equals(p.getSpec().getNodeName())).filter(PodReadiness::isReady)
        .min(Comparator.comparing(p -> p.getMetadata().getName()))
        .orElseThrow(() -> new IllegalStateException("no Ready DCGM pod matching '" + selector + "' in namespace '"
            + namespace + "' runs on node '" + node + "' (" + pods.size() + " match on any node); check with "
            + "'kubectl get pods -n " + namespace + " -l " + selector + " -o wide'"));
    String container = pod.getSpec().getContainers().get(0).getName();
    DcgmInjection chosen = new DcgmInjection(namespace, pod.getMetadata().getName(), container, gpuId, XID_FIELD, xid);
    injection = chosen;
    return new ResetXid(namespace, chosen.pod(), container, node, gpuId, xid);
  }

  @Override
  public void act(Target target, ResetXid rollback) throws InterruptedException {
    rollback.injection(xid).run(target.kubernetes(), EXEC_TIMEOUT);
  }

  /**
   * The undo of an XID injection: writes 0 (no XID) into field 230 of the same GPU through the same pod.
   * Idempotent: writing 0 twice leaves 0. It does not bring back a GPU that really failed; it ends what
   * the injection reported.
   *
   * @param namespace the DCGM pod's namespace
   * @param pod the DCGM pod the injection ran in
   * @param container its container
   * @param node the node of the GPU
   * @param gpuId the GPU's DCGM id
   * @param xid the XID that was injected
   */
  @API(status = EXPERIMENTAL, since = "0.1")
  public record ResetXid(String namespace, String pod, String container, String node, int gpuId, int xid)
      implements Rollback {

    @Override
    public String description() {
      return "reset XID on GPU " + gpuId + " of node " + node + " by '" + injection(0).kubectl() + "'";
    }

    DcgmInjection injection(long value) {
      return new DcgmInjection(namespace, pod, container, gpuId, XID_FIELD, value);
    }

    @Override
    public Set<String> namespaces() {
      return Set.of(namespace);
    }

    @Override
    public List<ObjectReference> involvedObjects(Target target) {
      return List.of(new ObjectReferenceBuilder().withApiVersion("v1").withKind("Pod").withNamespace(namespace)
          .withName(pod).build());
    }

    @Override
    public void undo(Target target, Duration timeout) throws InterruptedException {
      injection(0).run(target.kubernetes(), timeout.compareTo(EXEC_TIMEOUT) < 0 ? timeout : EXEC_TIMEOUT);
    }
  }
}
