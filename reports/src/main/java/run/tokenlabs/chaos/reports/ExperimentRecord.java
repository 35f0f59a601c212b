package run.tokenlabs.chaos.reports;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import run.tokenlabs.chaos.api.Finding;
import run.tokenlabs.chaos.api.KeyNumber;
import run.tokenlabs.chaos.api.Verdict;
import run.tokenlabs.chaos.api.event.HypothesisChecked;

/**
 * Everything the journal says about one experiment (one test method), gathered in journal order.
 * Built by {@link RunRecord}; read by the summary renderers.
 */
final class ExperimentRecord {
  /** A fault as journaled; {@code dryRun} means it was described but not acted on. */
  record FaultRecord(String fault, String rollback, boolean dryRun) {}

  /** One rollback execution; {@code failed} means the target may still be broken. */
  record RollbackRecord(String rollback, String source, boolean failed, String error) {}

  /** A hypothesis check: phase before or after. */
  record HypothesisRecord(HypothesisChecked.Phase phase, String hypothesis, boolean held) {}

  /** A guard that tripped during the fault. */
  record GuardRecord(String guard, String check, String reading, String limit) {}

  final String name;
  String id;
  String title;
  String method;
  Verdict verdict;
  String verdictMessage = "";
  final List<Finding> findings = new ArrayList<>();
  final List<KeyNumber> keyNumbers = new ArrayList<>();
  final List<FaultRecord> faults = new ArrayList<>();
  final List<RollbackRecord> rollbacks = new ArrayList<>();
  final List<HypothesisRecord> hypotheses = new ArrayList<>();
  final List<GuardRecord> guards = new ArrayList<>();
  final List<ChartSpec> charts = new ArrayList<>();
  /** Fault and rollback times, the x markers of the experiment's time charts. */
  final List<ChartSpec.Marker> timeMarkers = new ArrayList<>();

  ExperimentRecord(String name) {
    this.name = name;
    this.id = name;
    this.title = "";
    this.method = "";
  }

  Optional<Verdict> verdict() {
    return Optional.ofNullable(verdict);
  }

  boolean dryRun() {
    return faults.stream().anyMatch(FaultRecord::dryRun);
  }

  /** The charts with the fault and rollback times that fall inside each. */
  List<ChartSpec> chartsWithMarkers() {
    return charts.stream().map(c -> c.withTimeMarkers(timeMarkers)).toList();
  }

  List<RollbackRecord> failedRollbacks() {
    return rollbacks.stream().filter(RollbackRecord::failed).toList();
  }
}
