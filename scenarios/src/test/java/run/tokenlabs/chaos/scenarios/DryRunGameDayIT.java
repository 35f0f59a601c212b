package run.tokenlabs.chaos.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.testkit.engine.EngineTestKit;
import run.tokenlabs.chaos.api.Chaos;
import run.tokenlabs.chaos.api.ChaosExperiment;
import run.tokenlabs.chaos.api.Verdict;
import run.tokenlabs.chaos.api.event.FaultPrepared;
import run.tokenlabs.chaos.api.event.KeyNumberRecorded;
import run.tokenlabs.chaos.api.event.VerdictReached;
import run.tokenlabs.chaos.lab.api.Lab;
import run.tokenlabs.chaos.lab.api.ModelProfile;
import run.tokenlabs.chaos.lab.api.ModelStats;
import run.tokenlabs.chaos.scenarios.lab.LabTarget;
import run.tokenlabs.chaos.testkit.GameDayJournal;

/**
 * A dry run of game-day experiments that load the lab without a fault (through the gateway, on a
 * pool thread, in a steady-state probe) and of one that only reads: on the lab, through the real
 * engine, with {@code dryRun=true}. Nothing reaches the gateway or a model pod, every loading
 * experiment ends ABORTED with its plan journaled, and no key number is journaled as measured.
 */
class DryRunGameDayIT {
  static final List<String> EXPERIMENTS = List.of(
      "run.tokenlabs.chaos.scenarios.experiments.SilentTruncationIT",     // FAILURE-3: steady state and body load
      "run.tokenlabs.chaos.scenarios.experiments.NvlinkErrorCountersIT",  // FAILURE-2: loads on a pool thread
      "run.tokenlabs.chaos.scenarios.experiments.PowerClockCausalChainIT", // DCGM-2: an open-loop load
      "run.tokenlabs.chaos.scenarios.experiments.DcgmInventoryIT");       // DCGM-1: reads only, records key numbers
  private static final Path JOURNAL = Path.of("target", "dry-run-gameday");
  static GameDayJournal journal;

  @BeforeAll
  static void dryRunTheExperiments() {
    LabCounters.seen = null;
    EngineTestKit.engine("junit-jupiter")
        .configurationParameter("tokenlabs.chaos.target", "lab")
        .configurationParameter("tokenlabs.chaos.lab.profile", "h200")
        .configurationParameter("tokenlabs.chaos.dryRun", "true")
        .configurationParameter("tokenlabs.chaos.journal.dir", JOURNAL.toString())
        // the experiments first, then the lab's counters are read, while the lab still runs
        .configurationParameter("junit.jupiter.testclass.order.default", ClassOrderer.OrderAnnotation.class.getName())
        .selectors(EXPERIMENTS.stream().map(c -> selectClass(c)).toArray(DiscoverySelector[]::new))
        .selectors(selectClass(LabCounters.class))
        .execute();
    journal = GameDayJournal.newestIn(JOURNAL);
  }

  @Test
  @DisplayName("Dry run: no request reached the lab's gateway, and no model pod scheduled a step or generated a token")
  void nothingReachedTheLab() {
    assertThat(LabCounters.seen).as("the lab's counters, read after the experiments (did LabCounters run?)")
        .isNotNull();
    assertThat(LabCounters.seen).allSatisfy((counter, value) -> assertThat(value).as(counter).isZero());
    assertThat(LabCounters.seen).containsKey("gateway downstream requests");
  }

  @Test
  @DisplayName("Dry run: every experiment that loads ends ABORTED on its plan, a load to the gateway")
  void loadingExperimentsEndAbortedOnTheirPlan() {
    for (String experiment : EXPERIMENTS.subList(0, 3)) {
      String simpleName = experiment.substring(experiment.lastIndexOf('.') + 1);
      List<VerdictReached> verdicts = journal.events(VerdictReached.class).stream()
          .filter(v -> v.experiment().contains(" " + simpleName + "#")).toList();
      assertThat(verdicts).as("verdicts of %s", simpleName).isNotEmpty().allSatisfy(v -> {
        assertThat(v.verdict()).as("%s: %s", v.experiment(), v.message()).isEqualTo(Verdict.ABORTED);
        assertThat(v.message()).as(v.experiment()).startsWith("ABORTED: dry run: would send a load to ");
      });
    }
    assertThat(journal.events(FaultPrepared.class)).isNotEmpty().allSatisfy(plan -> assertThat(plan.dryRun()).isTrue());
  }

  @Test
  @DisplayName("Dry run: no key number is journaled as measured, not even by an experiment that only reads")
  void noKeyNumberIsMeasured() {
    assertThat(journal.events(KeyNumberRecorded.class)).isEmpty();
    assertThat(journal.events(VerdictReached.class)).as("DcgmInventoryIT ran")
        .anyMatch(v -> v.experiment().contains(" DcgmInventoryIT#"));
  }

  /** Reads the lab's own counters in-process once the experiments have run; runs last (its order). */
  @ChaosExperiment(id = "DRY-RUN-COUNTERS", title = "the lab's request counters after a dry run")
  @Order(Integer.MAX_VALUE)
  static class LabCounters {
    static volatile Map<String, Long> seen;

    @Test
    void readCounters(Chaos chaos) throws IOException, InterruptedException {
      Lab lab = LabTarget.labOf(chaos.target());
      Map<String, Long> counters = new LinkedHashMap<>();
      counters.put("gateway downstream requests", gatewayRequests(lab.gatewayStatsUrl()));
      for (ModelProfile model : lab.profile().models()) {
        for (ModelStats stats : lab.modelStats(model.name())) {
          counters.put(stats.pod() + " steps", stats.steps());
          counters.put(stats.pod() + " generated tokens", stats.generationTokens());
        }
      }
      seen = counters;
    }

    /** The sum of Envoy's {@code envoy_http_downstream_rq_xx} over every status class. */
    private static long gatewayRequests(URI statsUrl) throws IOException, InterruptedException {
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      String text = client.send(HttpRequest.newBuilder(statsUrl).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      return text.lines().filter(l -> l.startsWith("envoy_http_downstream_rq_xx{"))
          .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
  }
}
