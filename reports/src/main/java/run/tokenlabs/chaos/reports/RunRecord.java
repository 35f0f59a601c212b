package run.tokenlabs.chaos.reports;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import run.tokenlabs.chaos.api.event.ChaosEvent;
import run.tokenlabs.chaos.api.event.EvidenceRecorded;
import run.tokenlabs.chaos.api.event.FaultActed;
import run.tokenlabs.chaos.api.event.ExperimentStarted;
import run.tokenlabs.chaos.api.event.FaultPrepared;
import run.tokenlabs.chaos.api.event.FindingRecorded;
import run.tokenlabs.chaos.api.event.GuardBreached;
import run.tokenlabs.chaos.api.event.HypothesisChecked;
import run.tokenlabs.chaos.api.event.KeyNumberRecorded;
import run.tokenlabs.chaos.api.event.RollbackDone;
import run.tokenlabs.chaos.api.event.RollbackFailed;
import run.tokenlabs.chaos.api.event.RunFinished;
import run.tokenlabs.chaos.api.event.RunStarted;
import run.tokenlabs.chaos.api.event.VerdictReached;
import run.tokenlabs.chaos.engine.JournalFile;
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
    file.tornLastLine().ifPresent(torn -> run.unreadable.add(torn + " (torn: the run was killed while writing it)"));
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
    if (event instanceof RunStarted e) {
      started = e.at();
      target = e.target();
      profile = e.profile();
      dryRun = e.dryRun();
      journal = e.journal();
    } else if (event instanceof RunFinished e) {
      finished = e.at();
    } else if (event instanceof ExperimentStarted e) {
      ExperimentRecord experiment = experiment(e);
      experiment.id = e.id().isEmpty() ? experiment.name : e.id();
      experiment.title = e.title();
      experiment.method = e.method();
    } else if (event instanceof HypothesisChecked e) {
      experiment(e).hypotheses.add(new HypothesisRecord(e.phase(), e.hypothesis(), e.held()));
      recovered(e).ifPresent(experiment(e).timeMarkers::add);
    } else if (event instanceof FaultPrepared e) {
      experiment(e).faults.add(new FaultRecord(e.fault(), e.rollback(), e.dryRun()));
    } else if (event instanceof FaultActed e) {
      experiment(e).timeMarkers.add(new ChartSpec.Marker("x", e.at().toEpochMilli(), "fault: " + e.fault()));
    } else if (event instanceof EvidenceRecorded e) {
      chart(e);
    } else if (event instanceof RollbackDone e) {
      if (e.experiment() != null) {
        experiment(e).timeMarkers.add(new ChartSpec.Marker("x", e.at().toEpochMilli(), "rollback: " + e.rollback()));
      }
      rollback(e, new RollbackRecord(e.rollback(), e.source().label(), false, ""));
    } else if (event instanceof RollbackFailed e) {
      rollback(e, new RollbackRecord(e.rollback(), e.source().label(), true, e.error()));
    } else if (event instanceof GuardBreached e) {
      experiment(e).guards.add(new GuardRecord(e.guard(), e.check(), Objects.requireNonNullElse(e.reading(), ""),
          e.limit()));
    } else if (event instanceof FindingRecorded e) {
      experiment(e).findings.add(e.finding());
    } else if (event instanceof KeyNumberRecorded e) {
      experiment(e).keyNumbers.add(e.keyNumber());
    } else if (event instanceof VerdictReached e) {
      ExperimentRecord experiment = experiment(e);
      experiment.verdict = e.verdict();
      experiment.verdictMessage = e.message();
    }
    // CapabilityChecked and plain evidence belong in the Allure report, not on the summary page
  }

  /** The time the steady state held again after the rollback, a marker of the experiment's time charts. */
  static Optional<ChartSpec.Marker> recovered(HypothesisChecked e) {
    return e.phase() == HypothesisChecked.Phase.AFTER && e.held()
        ? Optional.of(new ChartSpec.Marker("x", e.at().toEpochMilli(), "recovered: steady state holds"))
        : Optional.empty();
  }

  /** A chart evidence goes on the page; one that cannot be read is a journal line left out, not a failed page. */
  private void chart(EvidenceRecorded e) {
    try {
      ChartSpec.of(e).filter(ChartSpec::hasData).ifPresent(experiment(e).charts::add);
    } catch (IllegalArgumentException unreadable) {
      this.unreadable.add(unreadable.getMessage());
    }
  }

  private void rollback(ChaosEvent event, RollbackRecord record) {
    if (event.experiment() == null) {
      runRollbacks.add(record);
    } else {
      experiment(event).rollbacks.add(record);
    }
  }

  private ExperimentRecord experiment(ChaosEvent event) {
    String name = Objects.requireNonNullElse(event.experiment(), "(run)");
    return experiments.computeIfAbsent(name, ExperimentRecord::new);
  }
}
