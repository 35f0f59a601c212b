package run.tokenlabs.chaos.lab.api;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import run.tokenlabs.chaos.lab.dcgm.DcgmExporter;
import run.tokenlabs.chaos.lab.dcgm.Dcgmi;
import run.tokenlabs.chaos.lab.kube.PodExec;
import run.tokenlabs.chaos.lab.kube.Reconciler;
import run.tokenlabs.chaos.lab.kube.Topology;

/**
 * The lab's DCGM pods as exec sees them: {@code dcgmi} run in one of them reaches the DCGM
 * simulator of its node, and an injected XID that loses the GPU fails the model servers there as
 * vLLM fails: 79 (fell off the bus) and 95 (uncontained ECC, the GPU needs a reset) kill them until
 * the field is reset to 0, which stands for the GPU reset that brings it back. Other XIDs (48, 94)
 * are only reported.
 */
final class DcgmPods implements PodExec.Handler {
  /** XIDs after which the GPU is unusable until reset. */
  static final Set<Long> GPU_LOST = Set.of(79L, 95L);

  private final Map<String, DcgmExporter> byPod;

  /** @param byPod each DCGM pod's name to the simulator of its node */
  DcgmPods(Map<String, DcgmExporter> byPod, Supplier<Reconciler> reconciler) {
    this.byPod = Map.copyOf(byPod);
    byPod.values().forEach(d -> d.onXid(xid -> {
      Reconciler r = reconciler.get();
      if (r == null) {
        return;
      }
      if (GPU_LOST.contains(xid)) {
        r.gpuLost(d.node());
      } else if (xid == 0) {
        r.gpuBack(d.node());
      }
    }));
  }

  @Override
  public Optional<PodExec.Result> run(String namespace, String pod, String container, List<String> command) {
    DcgmExporter exporter = byPod.get(pod);
    if (!Topology.GPU_NAMESPACE.equals(namespace) || exporter == null || !runsDcgmi(command)) {
      return Optional.empty(); // exec runs no shell: another program is one the container does not have
    }
    Dcgmi.Outcome outcome = Dcgmi.run(command, exporter);
    return Optional.of(outcome.exitCode() == 0 ? new PodExec.Result(0, outcome.output(), "")
        : new PodExec.Result(outcome.exitCode(), "", outcome.output()));
  }

  private static boolean runsDcgmi(List<String> command) {
    return !command.isEmpty() && (command.get(0).equals("dcgmi") || command.get(0).endsWith("/dcgmi"));
  }
}
