package run.tokenlabs.chaos.scenarios.experiments;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.api.Chaos;
import run.tokenlabs.chaos.api.ChaosExperiment;
import run.tokenlabs.chaos.api.Finding;
import run.tokenlabs.chaos.api.KeyNumber;
import run.tokenlabs.chaos.api.Verdict;
import run.tokenlabs.chaos.probes.api.Awaiting;
import run.tokenlabs.chaos.probes.api.DcgmField;
import run.tokenlabs.chaos.probes.api.DcgmInventory;
import run.tokenlabs.chaos.probes.api.Gpu;
import run.tokenlabs.chaos.probes.api.Probes;
import run.tokenlabs.chaos.scenarios.experiments.support.NextRunScope;

/**
 * DCGM-1 of the reference run, the metric inventory: which {@code DCGM_FI_*} families each GPU
 * exposes, read straight from the dcgm-exporters and through Prometheus, compared with the
 * exporter's default counters. The inventory itself is the measurement: fields missing from the
 * defaults are findings named with their DCGM field ids (the reference run: FB_USED / FB_FREE absent,
 * which it numbered 252/253; FB_FREE is 251, 253 is FB_RESERVED). It deviates only when Prometheus
 * does not see what the exporters serve, or a GPU lacks the fields the causal chain (DCGM-2) reads.
 */
@ChaosExperiment(id = "DCGM-1", title = "DCGM metric inventory: reachable families per GPU, missing default fields")
class DcgmInventoryIT {
  /** The fields DCGM-2's causal chain reads: without them it cannot be measured. */
  static final List<DcgmField> CHAIN = List.of(DcgmField.DCGM_FI_DEV_GPU_UTIL, DcgmField.DCGM_FI_DEV_POWER_USAGE,
      DcgmField.DCGM_FI_DEV_SM_CLOCK);
  static final String REACHABLE = "reachable DCGM families";
  static final String DEFAULTS_MISSING = "DCGM default fields missing";
  static final String FB_NOT_EXPORTED = "FB_USED/FB_FREE not exported";

  @Test
  @DisplayName("every GPU's DCGM families are reachable through Prometheus as from its exporter; gaps against the "
      + "exporter defaults are named with their field ids")
  @ExpectedOnLab(profile = "gb10", verdict = Verdict.HELD, findings = {FB_NOT_EXPORTED, DEFAULTS_MISSING},
      keyNumbers = {REACHABLE, DEFAULTS_MISSING})
  @ExpectedOnLab(profile = "h200", verdict = Verdict.HELD, keyNumbers = {REACHABLE, DEFAULTS_MISSING})
  void inventory(Chaos chaos, Probes probes) {
    boolean exporters = !chaos.target().dcgmExporters().isEmpty();
    DcgmInventory direct = exporters ? probes.dcgm().fromExporters() : null;
    DcgmInventory viaPrometheus = awaitPrometheusInventory(probes, direct);
    if (direct != null) {
      chaos.evidence("DCGM families straight from the exporters", describe(direct));
    }
    chaos.evidence("DCGM families through Prometheus", "PromQL: count by (__name__, Hostname, gpu, UUID, modelName) "
        + "({__name__=~\"DCGM_FI_.*\"})\n" + describe(viaPrometheus));

    Set<String> families = viaPrometheus.fieldsByGpu().values().stream().flatMap(Set::stream)
        .collect(Collectors.toCollection(TreeSet::new));
    chaos.record(new KeyNumber(REACHABLE, families.size(), "families", "distinct DCGM_FI_* metric names "
        + "through Prometheus over " + viaPrometheus.gpus().size() + " GPU(s): " + families
        + "; reference run (GB10): 11"));

    DcgmInventory.Comparison defaults = viaPrometheus.compareTo(DcgmField.EXPORTER_DEFAULTS);
    Set<DcgmField> missing = defaults.gaps().stream().flatMap(g -> g.missing().stream())
        .collect(Collectors.toCollection(TreeSet::new));
    chaos.evidence("compared with dcgm-exporter's default counters", defaults.toString());
    chaos.record(new KeyNumber(DEFAULTS_MISSING, missing.size(), "fields", "of the " + DcgmField.EXPORTER_DEFAULTS
        .size() + " in dcgm-exporter's default-counters.csv, on at least one GPU: "
        + missing.stream().map(DcgmField::describe).toList()));
    List<DcgmInventory.Gap> fbGaps = defaults.gaps().stream()
        .filter(g -> g.missing().stream().anyMatch(DcgmField.FB_MEMORY::contains)).toList();
    if (!fbGaps.isEmpty()) {
      chaos.record(NextRunScope.exportFrameBuffer(frameBufferNotExported(fbGaps)));
    }
    if (!missing.isEmpty()) {
      chaos.record(defaultFieldsMissing(missing, defaults));
    }

    assertThat(viaPrometheus.gpus()).as("GPUs seen through Prometheus").isNotEmpty();
    if (direct != null) {
      assertThat(viaPrometheus.fieldsByGpu()).as("Prometheus sees every family the exporters serve, per GPU")
          .isEqualTo(direct.fieldsByGpu());
    }
    assertThat(viaPrometheus.compareTo(CHAIN).gaps()).as("GPUs lacking the causal chain's fields %s",
        CHAIN.stream().map(DcgmField::describe).toList()).isEmpty();
  }

  static Finding frameBufferNotExported(List<DcgmInventory.Gap> fbGaps) {
    return new Finding(FB_NOT_EXPORTED, "Frame-buffer memory is not exported: "
        + DcgmField.DCGM_FI_DEV_FB_USED.describe() + " and " + DcgmField.DCGM_FI_DEV_FB_FREE.describe()
        + " are absent on " + fbGaps.stream().map(g -> g.gpu().toString()).toList()
        + ". This cuts the causal chain from GPU memory to KV-cache pressure. (The reference run called them "
        + "252/253; FB_FREE is 251, 253 is FB_RESERVED.) Add them to the exporter's counters CSV; on "
        + "unified-memory GPUs such as GB10 the driver may not report them at all.",
        fbGaps.stream().map(DcgmInventory.Gap::toString).collect(Collectors.joining("; ")));
  }

  static Finding defaultFieldsMissing(Set<DcgmField> missing, DcgmInventory.Comparison defaults) {
    return new Finding(DEFAULTS_MISSING, missing.size() + " of dcgm-exporter's " + DcgmField.EXPORTER_DEFAULTS.size()
        + " default fields are not exported on every GPU: "
        + missing.stream().map(DcgmField::describe).collect(Collectors.joining(", ")), defaults.toString());
  }

  /**
   * Prometheus' inventory once it has scraped every GPU the exporters show (a run that starts with
   * this experiment may be ahead of the first scrape).
   */
  private static DcgmInventory awaitPrometheusInventory(Probes probes, DcgmInventory direct) {
    Set<Gpu> expected = direct == null ? Set.of() : direct.gpus();
    return Awaiting.reading("Prometheus to show the DCGM fields of " + (expected.isEmpty() ? "some GPU" : expected),
            () -> probes.dcgm().fromPrometheus())
        .atMost(Duration.ofSeconds(60)).pollEvery(Duration.ofMillis(500))
        .until(inventory -> !inventory.gpus().isEmpty() && inventory.gpus().containsAll(expected));
  }

  private static String describe(DcgmInventory inventory) {
    StringBuilder out = new StringBuilder("source: ").append(inventory.source()).append('\n');
    for (Map.Entry<Gpu, Set<String>> e : inventory.fieldsByGpu().entrySet()) {
      out.append(e.getKey()).append(" (").append(e.getValue().size()).append(" families): ")
          .append(e.getValue().stream().map(f -> DcgmField.ofMetric(f).map(DcgmField::describe).orElse(f)).toList())
          .append('\n');
    }
    return out.toString();
  }
}
