package run.tokenlabs.chaos.lab.chaosmesh;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Writes a Chaos Mesh resource's {@code status} as chaos-controller-manager does:
 * {@code conditions} ({@code Selected}, {@code AllInjected}, {@code AllRecovered}, {@code Paused})
 * and {@code experiment} ({@code desiredPhase} {@code Run}/{@code Stop}, {@code containerRecords}
 * with {@code id}, {@code selectorKey}, {@code phase} {@code Injected}/{@code Not Injected},
 * {@code injectedCount}, {@code recoveredCount}), and holds or releases its finalizer.
 */
final class ChaosStatusWriter {
  private static final Logger LOG = Logger.getLogger(ChaosStatusWriter.class.getName());
  private final KubernetesClient client;

  ChaosStatusWriter(KubernetesClient client) {
    this.client = client;
  }

  /** Adds the finalizer, so that a delete waits until the fault is recovered. */
  void held(GenericKubernetesResource cr, String finalizer) {
    edit(cr, r -> {
      List<String> finalizers = new ArrayList<>(r.getMetadata().getFinalizers() == null ? List.of()
          : r.getMetadata().getFinalizers());
      if (!finalizers.contains(finalizer)) {
        finalizers.add(finalizer);
      }
      r.getMetadata().setFinalizers(finalizers);
      return r;
    });
  }

  void injected(GenericKubernetesResource cr, List<String> pods, String container, String unsupported) {
    boolean applied = unsupported == null;
    edit(cr, r -> status(r, conditions(true, applied, !applied), "Run", records(cr, pods, container,
        applied ? "Injected" : "Not Injected", applied ? 1 : 0, 0), unsupported));
  }

  /** Every target recovered; with {@code release} the finalizer goes too, so the API server removes a deleted resource. */
  void recovered(GenericKubernetesResource cr, List<String> pods, boolean release) {
    edit(cr, r -> {
      status(r, conditions(true, false, true), "Stop", records(cr, pods, null, "Not Injected", 1, 1), null);
      if (release) {
        r.getMetadata().setFinalizers(List.of());
      }
      return r;
    });
  }

  void failed(GenericKubernetesResource cr, String message) {
    edit(cr, r -> {
      status(r, conditions(false, false, true), "Stop", List.of(), message);
      r.getMetadata().setFinalizers(List.of());
      return r;
    });
  }

  private static GenericKubernetesResource status(GenericKubernetesResource r, List<Map<String, Object>> conditions,
      String desiredPhase, List<Map<String, Object>> records, String message) {
    Map<String, Object> experiment = new LinkedHashMap<>();
    experiment.put("desiredPhase", desiredPhase);
    experiment.put("containerRecords", records);
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("conditions", conditions);
    status.put("experiment", experiment);
    if (message != null) {
      status.put("failedMessage", message);
    }
    r.setAdditionalProperty("status", status);
    return r;
  }

  private static List<Map<String, Object>> conditions(boolean selected, boolean allInjected, boolean allRecovered) {
    return List.of(condition("Selected", selected), condition("AllInjected", allInjected),
        condition("AllRecovered", allRecovered), condition("Paused", false));
  }

  private static Map<String, Object> condition(String type, boolean value) {
    return Map.of("type", type, "status", value ? "True" : "False");
  }

  private static List<Map<String, Object>> records(GenericKubernetesResource cr, List<String> pods, String container,
      String phase, int injected, int recovered) {
    return pods.stream().map(p -> {
      Map<String, Object> record = new LinkedHashMap<>();
      record.put("id", cr.getMetadata().getNamespace() + "/" + p + (container == null ? "" : "/" + container));
      record.put("selectorKey", ".");
      record.put("phase", phase);
      record.put("injectedCount", injected);
      record.put("recoveredCount", recovered);
      return record;
    }).toList();
  }

  private void edit(GenericKubernetesResource cr, UnaryOperator<GenericKubernetesResource> change) {
    Resource<GenericKubernetesResource> resource = client.genericKubernetesResources(ChaosMeshController.context(
        cr.getKind(), cr.getKind().toLowerCase(Locale.ROOT))).inNamespace(cr.getMetadata().getNamespace())
        .withName(cr.getMetadata().getName());
    try {
      if (resource.get() != null) {
        resource.edit(change);
      }
    } catch (RuntimeException e) {
      LOG.log(Level.FINE, cr.getKind() + " " + cr.getMetadata().getName() + " is gone; no status to write", e);
    }
  }
}
