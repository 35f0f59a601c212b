package run.tokenlabs.chaos.reports;

import io.qameta.allure.AllureLifecycle;
import io.qameta.allure.model.Attachment;
import io.qameta.allure.model.Label;
import io.qameta.allure.model.Link;
import io.qameta.allure.model.Parameter;
import io.qameta.allure.model.Status;
import io.qameta.allure.model.StatusDetails;
import io.qameta.allure.model.StepResult;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import run.tokenlabs.chaos.api.Finding;
import run.tokenlabs.chaos.api.KeyNumber;
import run.tokenlabs.chaos.api.Verdict;
import run.tokenlabs.chaos.api.event.CapabilityChecked;
import run.tokenlabs.chaos.api.event.ChaosEvent;
import run.tokenlabs.chaos.api.event.EvidenceRecorded;
import run.tokenlabs.chaos.api.event.ExperimentStarted;
import run.tokenlabs.chaos.api.event.FaultActed;
import run.tokenlabs.chaos.api.event.FaultPrepared;
import run.tokenlabs.chaos.api.event.FindingRecorded;
import run.tokenlabs.chaos.api.event.GuardBreached;
import run.tokenlabs.chaos.api.event.HypothesisChecked;
import run.tokenlabs.chaos.api.event.KeyNumberRecorded;
import run.tokenlabs.chaos.api.event.RollbackDone;
import run.tokenlabs.chaos.api.event.RollbackFailed;
import run.tokenlabs.chaos.api.event.VerdictReached;

/**
 * Turns one experiment's events into Allure steps and attachments of its test case.
 *
 * <p>The test case is the one current on the test thread ({@link AllureLifecycle#getCurrentTestCase()})
 * when the experiment's first event arrives there; every later event, from whichever thread (a
 * guard, a rollback), is written against that UUID explicitly, never through the thread's own
 * context. Events that come before Allure has started the test case (a capability is checked by a
 * JUnit condition, before the test starts) wait and are written, in order, once it has. Each event
 * becomes one finished step, so nothing is left open if the test ends abruptly. Without a running
 * Allure test case (plain {@code mvn verify}, engine tests, an experiment disabled as BLOCKED, which
 * allure-junit5 reports as skipped with its reason) it writes nothing itself; the steps of an
 * experiment JUnit disabled are added to its skipped result by {@link DisabledExperimentSteps}.
 */
final class AllureSteps {
  static final String EPIC = GameDayAreas.EPIC;

  private final AllureLifecycle lifecycle;
  private final Map<String, StepResult> openSteps = new ConcurrentHashMap<>();
  private final Map<String, String> testCaseByExperiment = new ConcurrentHashMap<>();
  private final Map<String, List<ChaosEvent>> waitingForTestCase = new ConcurrentHashMap<>();
  private final Map<String, List<List<String>>> keyNumbersByExperiment = new ConcurrentHashMap<>();
  private final Map<String, List<ChartSpec.Marker>> timeMarkersByExperiment = new ConcurrentHashMap<>();
  private final Map<String, List<ChartSpec>> timelinesByExperiment = new ConcurrentHashMap<>();
  private volatile boolean sawTestCase;
  private volatile String summaryLink;

  AllureSteps(AllureLifecycle lifecycle) {
    this.lifecycle = lifecycle;
  }

  /** The summary page, relative to the Allure report, that every experiment links to; {@code null}: no link. */
  void summaryLink(String link) {
    this.summaryLink = link;
  }

  /** Whether any experiment of this run ran inside an Allure test case. */
  boolean sawTestCase() {
    return sawTestCase;
  }

  void onEvent(ChaosEvent event) {
    if (event.experiment() == null) {
      return;
    }
    for (ChaosEvent ready : ready(event)) {
      write(testCaseByExperiment.get(ready.experiment()), ready);
    }
  }

  /** The events to write now: this one once its test case is known, with those that waited for it. */
  private synchronized List<ChaosEvent> ready(ChaosEvent event) {
    String experiment = event.experiment();
    if (testCaseByExperiment.containsKey(experiment)) {
      return List.of(event);
    }
    List<ChaosEvent> waiting = event instanceof ExperimentStarted
        ? new ArrayList<>() : waitingForTestCase.remove(experiment);
    if (waiting == null) {
      return List.of(); // started before this listener, or never inside Allure
    }
    waiting.add(event);
    Optional<String> testCase = lifecycle.getCurrentTestCase();
    if (testCase.isEmpty()) {
      if (event instanceof VerdictReached) {
        DisabledExperimentSteps.keep(waiting); // JUnit never started it: allure-junit5 writes its result next
      } else {
        waitingForTestCase.put(experiment, waiting);
      }
      return List.of();
    }
    sawTestCase = true;
    testCaseByExperiment.put(experiment, testCase.get());
    keyNumbersByExperiment.put(experiment, new CopyOnWriteArrayList<>());
    timeMarkersByExperiment.put(experiment, new CopyOnWriteArrayList<>());
    return waiting;
  }

  private void write(String testCase, ChaosEvent event) {
    if (event instanceof ExperimentStarted e) {
      started(testCase, e);
    } else if (event instanceof CapabilityChecked e) {
      stop(start(testCase, e, capabilityStep(e)));
    } else if (event instanceof HypothesisChecked e) {
      hypothesis(testCase, e);
    } else if (event instanceof FaultPrepared e) {
      fault(testCase, e);
    } else if (event instanceof RollbackDone e) {
      rollback(testCase, e, e.rollback(), e.kind(), e.source().label(), null);
      marker(e, "rollback: " + e.rollback());
    } else if (event instanceof RollbackFailed e) {
      rollback(testCase, e, e.rollback(), e.kind(), e.source().label(), e.error());
    } else if (event instanceof GuardBreached e) {
      String reading = Objects.toString(e.reading(), "");
      step(testCase, e, "Guard breached: " + e.guard(), Status.FAILED,
          e.check() + ": read " + reading + ", limit " + e.limit() + (e.error() != null ? "; " + e.error() : ""),
          List.of(param("check", e.check()), param("reading", reading), param("limit", e.limit())));
    } else if (event instanceof FindingRecorded e) {
      finding(testCase, e);
    } else if (event instanceof KeyNumberRecorded e) {
      keyNumber(testCase, e);
    } else if (event instanceof EvidenceRecorded e) {
      evidence(testCase, e);
    } else if (event instanceof VerdictReached e) {
      verdict(testCase, e);
    } else if (event instanceof FaultActed e) {
      marker(e, "fault: " + e.fault());
    }
    // FaultActed adds no step: the "Inject fault" step its FaultPrepared wrote stands for it
  }

  /** A time the experiment's later time charts mark: the fault acting, a rollback done. */
  private void marker(ChaosEvent event, String label) {
    List<ChartSpec.Marker> markers = timeMarkersByExperiment.get(event.experiment());
    if (markers != null) {
      markers.add(new ChartSpec.Marker("x", event.at().toEpochMilli(), label));
    }
  }

  private void started(String testCase, ExperimentStarted event) {
    String link = summaryLink;
    lifecycle.updateTestCase(testCase, test -> {
      GameDayAreas.file(test, event);
      if (link != null) {
        test.getLinks().add(new Link().setName("Game-day summary page").setUrl(link).setType("summary"));
      }
    });
  }

  /** The labels that file an experiment under the game day: by area and experiment ({@link GameDayAreas}). */
  static List<Label> labels(ExperimentStarted event) {
    return GameDayAreas.labels(event);
  }

  static StepResult capabilityStep(CapabilityChecked event) {
    return stepResult(event, "Capability: " + event.capability(), event.present() ? Status.PASSED : Status.SKIPPED,
        event.reason(), List.of(param("present", String.valueOf(event.present())), param("reason", event.reason())));
  }

  static StepResult verdictStep(VerdictReached event) {
    Verdict verdict = event.verdict();
    Status status = switch (verdict) {
      case HELD -> Status.PASSED;
      case DEVIATED -> Status.FAILED;
      case ERROR -> Status.BROKEN;
      case ABORTED, BLOCKED -> Status.SKIPPED;
    };
    VerdictExplanation why = VerdictExplanation.of(verdict, event.message());
    StepResult step = stepResult(event, "Verdict: " + Values.status(verdict), status,
        verdict == Verdict.HELD ? Values.reason(verdict, event.message()) : why.text(), List.of());
    if (why.rawAddsDetail() && verdict != Verdict.HELD) {
      step.getStatusDetails().setTrace(why.raw()); // the assertion library's own words stay, as evidence
    }
    return step;
  }

  /** The label to filter results by verdict. */
  static Label tag(VerdictReached event) {
    return label("tag", event.verdict().name());
  }

  private void hypothesis(String testCase, HypothesisChecked event) {
    RunRecord.recovered(event).ifPresent(m -> marker(event, m.label()));
    String phase = event.phase() == HypothesisChecked.Phase.AFTER ? "after" : "before";
    List<Parameter> params = new ArrayList<>();
    List<StepResult> checks = new ArrayList<>();
    boolean anyError = false;
    for (HypothesisChecked.CheckResult c : event.checks()) {
      String reading = c.reading() == null ? "no reading" : c.reading();
      boolean error = c.error() != null;
      anyError |= error;
      params.add(param(c.probe(), reading + " (expected " + c.tolerance() + ")" + (c.held() ? " ✓" : " ✗")));
      StepResult check = new StepResult().setName(c.probe() + " = " + reading + ", expected " + c.tolerance())
          .setStatus(error ? Status.BROKEN : c.held() ? Status.PASSED : Status.FAILED)
          .setStart(event.at().toEpochMilli()).setStop(event.at().toEpochMilli());
      if (error) {
        check.setStatusDetails(new StatusDetails().setMessage(c.error()));
      }
      checks.add(check);
    }
    Status status = event.held() ? Status.PASSED : anyError ? Status.BROKEN : Status.FAILED;
    String name = "Steady state " + phase + ": " + event.hypothesis();
    String uuid = start(testCase, event, name, status, event.held() ? null : "steady state not met " + phase, params);
    lifecycle.updateStep(uuid, step -> step.getSteps().addAll(checks));
    stop(uuid);
  }

  private void fault(String testCase, FaultPrepared event) {
    String name = (event.dryRun() ? "Inject fault (dry run, not acted on): " : "Inject fault: ") + event.fault();
    step(testCase, event, name, event.dryRun() ? Status.SKIPPED : Status.PASSED, null,
        List.of(param("rollback", event.rollback()), param("namespaces", String.valueOf(event.namespaces()))));
  }

  /** A rollback's step; {@code error} is null when it was done. */
  private void rollback(String testCase, ChaosEvent event, String rollback, String kind, String source, String error) {
    boolean failed = error != null;
    step(testCase, event, "Rollback: " + rollback, failed ? Status.FAILED : Status.PASSED, error,
        List.of(param("kind", kind), param("outcome", failed ? "failed" : "done"), param("source", source)));
  }

  private void finding(String testCase, FindingRecorded event) {
    Finding f = event.finding();
    String uuid = start(testCase, event, "Finding: " + f.title(), Status.PASSED, null,
        List.of(param("statement", f.statement())));
    attach("Finding: " + f.title(), "text/plain", ".txt",
        f.title() + "\n\n" + f.statement() + "\n\nEvidence:\n" + f.evidence());
    stop(uuid);
  }

  private void keyNumber(String testCase, KeyNumberRecorded event) {
    KeyNumber k = event.keyNumber();
    String value = Values.number(k.value());
    String unit = Values.NO_DATA.equals(value) ? "" : k.unit();
    step(testCase, event, "Key number: " + k.name() + " = " + Values.quantity(k.value(), k.unit()),
        Status.PASSED, null, List.of(param("note", k.note())));
    List<List<String>> rows = keyNumbersByExperiment.get(event.experiment());
    if (rows != null) {
      rows.add(List.of(k.name(), value, unit, k.note()));
    }
  }

  /** Evidence as a text attachment; a chart evidence is drawn on its step, its data attached beside it. */
  private void evidence(String testCase, EvidenceRecorded event) {
    Optional<ChartSpec> chart = ChartSpec.of(event).filter(ChartSpec::hasData);
    String name = chart.map(c -> "Chart: " + c.title()).orElse("Evidence: " + event.name());
    String uuid = start(testCase, event, name, Status.PASSED, null, List.of());
    try {
      chart.ifPresent(c -> lifecycle.addAttachment(c.title(), "image/png", ".png", ChartPainter.png(
          c.withTimeMarkers(timeMarkersByExperiment.getOrDefault(event.experiment(), List.of())))));
    } catch (RuntimeException e) { // the step still closes, with the chart's data and why it is not drawn
      lifecycle.updateStep(uuid, s -> s.setStatus(Status.BROKEN).setStatusDetails(new StatusDetails()
          .setMessage("The chart could not be drawn: " + e.getMessage() + "; its data is attached")));
    }
    chart.filter(c -> "timeline".equals(c.kind()))
        .ifPresent(c -> timelinesByExperiment.computeIfAbsent(event.experiment(), k -> new CopyOnWriteArrayList<>()).add(c));
    attach(event.name(), chart.isPresent() ? "application/json" : "text/plain", chart.isPresent() ? ".json" : ".txt",
        event.content());
    stop(uuid);
  }

  /** The last event of an experiment: a verdict step, the key-number table, a tag to filter by. */
  private void verdict(String testCase, VerdictReached event) {
    stop(start(testCase, event, verdictStep(event)));
    List<ChartSpec.Marker> markers = timeMarkersByExperiment.remove(event.experiment());
    // a timeline drawn at its evidence lacks what came after (rollback, recovery): drawn again, whole, at the end
    for (ChartSpec timeline : timelinesByExperiment.getOrDefault(event.experiment(), List.of())) {
      byte[] png;
      try {
        png = ChartPainter.png(timeline.withTimeMarkers(markers == null ? List.of() : markers));
      } catch (RuntimeException e) {
        continue; // drawn at its evidence step already, or that step says why it could not be
      }
      attachToTestCase(testCase, "Chart: " + timeline.title() + " (with rollback and recovery)", "image/png", ".png",
          png);
    }
    timelinesByExperiment.remove(event.experiment());
    List<List<String>> rows = keyNumbersByExperiment.remove(event.experiment());
    if (rows != null && !rows.isEmpty()) {
      attachToTestCase(testCase, "Key numbers", "text/csv", ".csv", csv(rows));
    }
    lifecycle.updateTestCase(testCase, test -> test.getLabels().add(tag(event)));
    testCaseByExperiment.remove(event.experiment(), testCase);
  }

  private void step(String testCase, ChaosEvent event, String name, Status status, String message, List<Parameter> params) {
    stop(start(testCase, event, name, status, message, params));
  }

  /** Starts a step under the test case (explicit parent: safe from any thread); the caller stops it. */
  private String start(String testCase, ChaosEvent event, String name, Status status, String message, List<Parameter> params) {
    return start(testCase, event, stepResult(event, name, status, message, params));
  }

  private String start(String testCase, ChaosEvent event, StepResult step) {
    String uuid = UUID.randomUUID().toString();
    lifecycle.startStep(testCase, uuid, step);
    lifecycle.updateStep(uuid, s -> s.setStart(event.at().toEpochMilli()));
    openSteps.put(uuid, step);
    return uuid;
  }

  /**
   * Stops a step at its event's time. The lifecycle stamps the wall clock on stop, which is the
   * event's time only while the run is live: a journal replayed later would show every step as
   * lasting until the replay. The step object stays in its test case, so its stop is set back.
   */
  private void stop(String uuid) {
    StepResult step = openSteps.remove(uuid);
    lifecycle.stopStep(uuid);
    if (step != null) {
      step.setStop(step.getStart());
    }
  }

  /** A finished step at the event's time; the lifecycle sets its own start and stop when it runs it. */
  private static StepResult stepResult(ChaosEvent event, String name, Status status, String message,
                                       List<Parameter> params) {
    long at = event.at().toEpochMilli();
    StepResult step = new StepResult().setName(name).setStatus(status).setParameters(new ArrayList<>(params))
        .setStart(at).setStop(at);
    if (message != null && !message.isEmpty()) {
      step.setStatusDetails(new StatusDetails().setMessage(message));
    }
    return step;
  }

  /** Attaches to the step this thread just started (AllureLifecycle attaches to the thread's current step). */
  private void attach(String name, String type, String extension, String content) {
    lifecycle.addAttachment(name, type, extension, content.getBytes(StandardCharsets.UTF_8));
  }

  private void attachToTestCase(String testCase, String name, String type, String extension, String content) {
    attachToTestCase(testCase, name, type, extension, content.getBytes(StandardCharsets.UTF_8));
  }

  private void attachToTestCase(String testCase, String name, String type, String extension, byte[] content) {
    String source = UUID.randomUUID() + "-attachment" + extension;
    lifecycle.writeAttachment(source, new ByteArrayInputStream(content));
    lifecycle.updateTestCase(testCase, test -> test.getAttachments().add(
        new Attachment().setName(name).setType(type).setSource(source)));
  }

  static String csv(List<List<String>> rows) {
    StringBuilder out = new StringBuilder("Metric,Value,Unit,Notes\n");
    for (List<String> row : rows) {
      out.append(String.join(",", row.stream().map(AllureSteps::csvField).toList())).append('\n');
    }
    return out.toString();
  }

  private static String csvField(String field) {
    boolean quote = field.contains(",") || field.contains("\"") || field.contains("\n") || field.contains("\r");
    return quote ? "\"" + field.replace("\"", "\"\"") + "\"" : field;
  }

  private static Parameter param(String name, String value) {
    return new Parameter().setName(name).setValue(value);
  }

  private static Label label(String name, String value) {
    return new Label().setName(name).setValue(value);
  }
}
