package run.tokenlabs.chaos.lab.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.commons.math3.stat.correlation.PearsonsCorrelation;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** DCGM-2 of the reference run: power follows utilisation (reference r = 0.998). */
@LabTest(rules = "src/test/resources/lab-rules")
class PowerCorrelationIT {

  @Test
  @DisplayName("over a varying load, DCGM power and GPU utilisation from Prometheus correlate with r >= 0.95")
  void powerFollowsUtilisation(Lab lab) throws Exception {
    lab.awaitTargetsScraped(Duration.ofSeconds(30));
    double start = System.currentTimeMillis() / 1000.0;
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      // Phases of different concurrency with idle gaps between them: 0, 1, 8, 0, 3 sessions.
      for (int sessions : new int[] {0, 1, 8, 0, 3}) {
        long phaseEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        List<Future<?>> running = new ArrayList<>();
        for (int i = 0; i < sessions; i++) {
          running.add(pool.submit(() -> {
            while (System.nanoTime() < phaseEnd) {
              OpenAiCalls.Result r = OpenAiCalls.stream(lab.gatewayUrl(), OpenAiCalls.completionBody(
                  "deepseek-r1-7b", OpenAiCalls.words(200), 60, true), System.nanoTime());
              assertThat(r.done()).as("load request through the gateway: %s", r).isTrue();
            }
          }));
        }
        Thread.sleep(3000); // the phase length is the load's shape, not a wait for a condition
        for (Future<?> f : running) {
          f.get(30, TimeUnit.SECONDS);
        }
      }
    } finally {
      pool.shutdownNow();
    }
    double end = System.currentTimeMillis() / 1000.0;
    Thread.sleep(2000); // let the last scrape land
    double[] power = series(lab, "DCGM_FI_DEV_POWER_USAGE{Hostname=\"spark-01\"}", start, end);
    double[] util = series(lab, "DCGM_FI_DEV_GPU_UTIL{Hostname=\"spark-01\"}", start, end);
    int n = Math.min(power.length, util.length);
    assertThat(n).isGreaterThanOrEqualTo(10);
    double r = new PearsonsCorrelation().correlation(java.util.Arrays.copyOf(power, n),
        java.util.Arrays.copyOf(util, n));
    assertThat(java.util.Arrays.stream(util).max().orElse(0)).as("the load must reach the GPU; DCGM now: %s",
        OpenAiCalls.get(lab.dcgmExporterUrls().get(0))).isGreaterThan(30);
    assertThat(r).as("Pearson r of power vs utilisation over " + n + " samples").isGreaterThanOrEqualTo(0.95);
  }

  private static double[] series(Lab lab, String promql, double start, double end) {
    JsonNode result = PromQueries.range(lab, promql, start, end, "1s");
    assertThat(result).as(promql).hasSize(1);
    JsonNode values = result.get(0).path("values");
    double[] out = new double[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = Double.parseDouble(values.get(i).get(1).asText());
    }
    return out;
  }
}
