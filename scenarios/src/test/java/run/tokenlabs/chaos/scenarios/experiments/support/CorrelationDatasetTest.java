package run.tokenlabs.chaos.scenarios.experiments.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.probes.api.Point;
import run.tokenlabs.chaos.probes.api.RangeSeries;

class CorrelationDatasetTest {
  private static final Instant T0 = Instant.parse("2026-04-15T02:00:00Z");

  @Test
  @DisplayName("One record per step; columns aligned on the grid, empty where a series has no sample")
  void alignsOnTheGrid() {
    CorrelationDataset data = new CorrelationDataset(T0, T0.plusSeconds(30), Duration.ofSeconds(15));
    data.column("power_w", List.of(series(T0, 100, T0.plusSeconds(15), 150, T0.plusSeconds(30), 120)));
    data.column("running", List.of(series(T0.plusSeconds(15), 3)));

    assertThat(data.records()).isEqualTo(3);
    assertThat(data.csv()).isEqualTo("time,power_w,running\n" + T0 + ",100.000,\n" + T0.plusSeconds(15)
        + ",150.000,3.00000\n" + T0.plusSeconds(30) + ",120.000,\n");
    assertThat(data.json()).contains("{\"time\":\"" + T0 + "\",\"power_w\":100.000,\"running\":null}");
  }

  @Test
  @DisplayName("Sparse and NaN-only columns are flagged with why; a full column is not")
  void flagsSparseAndNanOnly() {
    CorrelationDataset data = new CorrelationDataset(T0, T0.plusSeconds(45), Duration.ofSeconds(15));
    data.column("full", List.of(series(T0, 1, T0.plusSeconds(15), 2, T0.plusSeconds(30), 3, T0.plusSeconds(45), 4)));
    data.column("ttft_p95", List.of(series(T0, Double.NaN, T0.plusSeconds(15), Double.NaN)));
    data.column("sparse", List.of(series(T0, 1)));
    data.column("absent", List.of());

    assertThat(data.flagged()).isEqualTo(Map.of("ttft_p95", "NaN-only (2 NaN values)",
        "sparse", "sparse (1 of 4 steps)", "absent", "sparse (0 of 4 steps)"));
    assertThat(data.csv()).contains(T0 + ",1.00000,NaN,1.00000,\n");
  }

  private static RangeSeries series(Object... timesAndValues) {
    List<Point> points = new java.util.ArrayList<>();
    for (int i = 0; i < timesAndValues.length; i += 2) {
      points.add(new Point((Instant) timesAndValues[i], ((Number) timesAndValues[i + 1]).doubleValue()));
    }
    return new RangeSeries(Map.of(), points);
  }
}
