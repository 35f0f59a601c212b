package run.tokenlabs.chaos.lab.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.load.api.Bucket;
import run.tokenlabs.chaos.load.api.Endpoint;
import run.tokenlabs.chaos.load.api.OperatingPoint;
import run.tokenlabs.chaos.load.api.OperatingPointSearch;
import run.tokenlabs.chaos.load.api.PercentileSlo;
import run.tokenlabs.chaos.load.api.Workload;

/**
 * The operating-point search against the lab's vLLM simulator: with the simulated GPU 20 times slower
 * (a step of at least 22 ms, so the boundary sits at tens of requests per second, which a build
 * machine's client sends with ease, and the objective is far above the machine's own noise) the search
 * finds a rate that meets TTFT p95 <= 1 s and TPOT p95 <= 100 ms, and the lowest rate it tried above
 * it misses. Where the boundary lies depends on the machine; that the answer is consistent does not.
 */
@LabTest(rules = "src/test/resources/lab-rules")
class OperatingPointOnLabIT {
  private static final String MODEL = LabProfile.DEEPSEEK;

  @Test
  @DisplayName("the search finds an operating point on the lab: it meets the SLO, the next probe above does not")
  void findsAConsistentOperatingPoint(Lab lab) {
    Endpoint endpoint = Endpoint.completions(lab.modelUrl(MODEL).orElseThrow().toString(), MODEL).withIgnoreEos(true);
    PercentileSlo slo = PercentileSlo.p95(Duration.ofSeconds(1), Duration.ofMillis(100));
    double before = lab.faults(MODEL).stepSlowdown();
    lab.faults(MODEL).slowSteps(20);
    OperatingPoint point;
    try {
      var search = OperatingPointSearch.of(endpoint, Workload.of(Bucket.of("A", 256, 8)), slo, Duration.ofSeconds(1))
          .startingAt(4).upTo(512).within(0.25).atMostProbes(7);
      search.specAt(4).run(); // warms the client and the lab's server threads up; not a probe
      point = search.run();
      System.out.println(point); // the probes, for whoever reads the test output
    } finally {
      lab.faults(MODEL).slowSteps(before);
    }

    assertThat(point.chosen()).as("an operating point: %s", point).isPresent();
    assertThat(point.firstAbove()).as("a rate above it that misses: %s", point).isPresent();
    OperatingPoint.Probe chosen = point.chosen().orElseThrow();
    OperatingPoint.Probe above = point.firstAbove().orElseThrow();
    assertThat(chosen.meets()).isTrue();
    assertThat(chosen.ttftMillis()).isLessThanOrEqualTo(1000);
    assertThat(chosen.tpotMillis()).isLessThanOrEqualTo(100);
    assertThat(chosen.goodputPerSecond()).as("goodput at the operating point: %s", point).isPositive();
    assertThat(above.meets()).isFalse();
    assertThat(above.rate()).isGreaterThan(chosen.rate());
    // no probe between the two: the answer is the boundary the search saw
    assertThat(point.probes()).noneMatch(p -> p.rate() > chosen.rate() && p.rate() < above.rate());
  }
}
