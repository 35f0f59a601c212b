package run.tokenlabs.chaos.reports;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import run.tokenlabs.chaos.api.Finding;
import run.tokenlabs.chaos.api.KeyNumber;
import run.tokenlabs.chaos.api.Verdict;
import run.tokenlabs.chaos.api.spi.ChaosEvent;
import run.tokenlabs.chaos.reports.ExperimentRecord.FaultRecord;
import run.tokenlabs.chaos.reports.ExperimentRecord.GuardRecord;
import run.tokenlabs.chaos.reports.ExperimentRecord.HypothesisRecord;
import run.tokenlabs.chaos.reports.ExperimentRecord.RollbackRecord;

/**
 * One game-day run as its journal tells it: run facts, then its experiments in the order they
 * started. Run-level rollbacks (shutdown hook, crash recovery) are kept apart from experiments.
 */
final class RunRecord {
  String runId = "";
  Instant started;
  Instant finished;
  String target = "";
  String profile = "";
  boolean dryRun;
  String journal = "";
  final Map<String, ExperimentRecord> experiments = new LinkedHashMap<>();
  final List<RollbackRecord> runRollbacks = new ArrayList<>();
  final List<String> unreadable = new ArrayList<>();

  static RunRecord of(JournalFile file) {
    RunRecord run = of(file.events());
    run.unreadable.addAll(file.unreadable());
    if (run.journal.isEmpty()) {
      run.journal = file.path().toString();
    }
    return run;
  }

  static RunRecord of(List<ChaosEvent> events) {
    RunRecord run = new RunRecord();
    events.forEach(run::add);
    return run;
  }

  List<ExperimentRecord> experiments() {
    return List.copyOf(experiments.values());
  }

  Optional<Instant> started() {
    return Optional.ofNullable(started);
  }

  Optional<Instant> finished() {
    return Optional.ofNullable(finished);
  }

  private void add(ChaosEvent event) {
    if (runId.isEmpty()) {
      runId = event.runId();
    }
    Map<String, Object> d = event.data();
    switch (event.type()) {
      case RUN_STARTED -> {
        started = event.at();
        target = text(d, "target");
        profile = text(d, "profile");
        dryRun = Boolean.TRUE.equals(d.get("dryRun"));
        journal = text(d, "journal");
      }
      case RUN_FINISHED -> finished = event.at();
      case EXPERIMENT_STARTED -> {
        ExperimentRecord e = experiment(event);
        e.id = text(d, "id").isEmpty() ? e.name : text(d, "id");
        e.title = text(d, "title");
        e.method = text(d, "method");
      }
      case HYPOTHESIS_CHECKED -> experiment(event).hypotheses.add(new HypothesisRecord(
          text(d, "phase"), text(d, "hypothesis"), Boolean.TRUE.equals(d.get("held"))));
      case FAULT_INJECTED -> experiment(event).faults.add(new FaultRecord(
          text(d, "fault"), text(d, "rollback"), Boolean.TRUE.equals(d.get("dryRun"))));
      case ROLLBACK_DONE -> {
        RollbackRecord r = new RollbackRecord(text(d, "rollback"), text(d, "source"),
            "failed".equals(d.get("outcome")), text(d, "error"));
        if (event.experiment() == null) {
          runRollbacks.add(r);
        } else {
          experiment(event).rollbacks.add(r);
        }
      }
      case GUARD_BREACHED -> experiment(event).guards.add(new GuardRecord(
          text(d, "guard"), text(d, "check"), text(d, "reading"), text(d, "limit")));
      case FINDING -> experiment(event).findings.add(new Finding(
          text(d, "title"), text(d, "statement"), text(d, "evidence")));
      case KEY_NUMBER -> experiment(event).keyNumbers.add(new KeyNumber(
          text(d, "name"), number(d.get("value")), text(d, "unit"), text(d, "note")));
      case VERDICT -> {
        ExperimentRecord e = experiment(event);
        e.verdict = verdict(text(d, "verdict"));
        e.verdictMessage = text(d, "message");
      }
      default -> {
        // CAPABILITY_CHECKED and EVIDENCE belong in the Allure report, not on the summary page
      }
    }
  }

  private ExperimentRecord experiment(ChaosEvent event) {
    String name = Objects.requireNonNullElse(event.experiment(), "(run)");
    return experiments.computeIfAbsent(name, ExperimentRecord::new);
  }

  private static Verdict verdict(String name) {
    try {
      return Verdict.valueOf(name);
    } catch (IllegalArgumentException e) {
      return Verdict.ERROR;
    }
  }

  static String text(Map<String, Object> data, String key) {
    Object value = data.get(key);
    return value == null ? "" : String.valueOf(value);
  }

  /** A journaled value: a JSON number, or "NaN"/"Infinity" as text; anything else is no data (NaN), never 0. */
  static double number(Object value) {
    if (value instanceof Number n) {
      return n.doubleValue();
    }
    if (value instanceof String s) {
      try {
        String t = s.trim();
        return switch (t) {
          case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
          case "-Inf" -> Double.NEGATIVE_INFINITY;
          default -> Double.parseDouble(t);
        };
      } catch (NumberFormatException e) {
        return Double.NaN;
      }
    }
    return Double.NaN;
  }
}
