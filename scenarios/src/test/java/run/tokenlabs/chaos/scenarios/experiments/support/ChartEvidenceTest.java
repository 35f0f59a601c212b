package run.tokenlabs.chaos.scenarios.experiments.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ChartEvidenceTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  @DisplayName("a CDF is the sorted values with the share at or below each; NaN is no reading, left out")
  void cdf() {
    List<double[]> points = ChartEvidence.cdf(List.of(3.0, Double.NaN, 1.0, 2.0, 2.0));

    assertThat(points).extracting(p -> p[0]).containsExactly(1.0, 2.0, 2.0, 3.0);
    assertThat(points).extracting(p -> p[1]).containsExactly(0.25, 0.5, 0.75, 1.0);
  }

  @Test
  @DisplayName("the journaled JSON has the shape the reports read: kind, axes, series, markers, bands, rows")
  void shape() throws Exception {
    JsonNode chart = JSON.readTree(ChartEvidence.timeline("Alert timeline: x").x("time (UTC)", true).y("alert")
        .row("TokenLabsPodAbsent", Map.of("firing", new double[] {5, 9}), 7)
        .row("NoBound", Map.of("pending", new double[] {1, 2}), Double.NaN)
        .marker("x", 3, "series vanished").band(0, 1, "load")
        .series("s", List.of(new double[] {1, 2}), true, false).toString());

    assertThat(chart.get("kind").asText()).isEqualTo("timeline");
    assertThat(chart.at("/x/time").asBoolean()).isTrue();
    assertThat(chart.at("/rows/0/bound").asDouble()).isEqualTo(7);
    assertThat(chart.at("/rows/1").has("bound")).as("no bound is no field, never NaN").isFalse();
    assertThat(chart.at("/rows/0/segments/0/state").asText()).isEqualTo("firing");
    assertThat(chart.at("/markers/0/label").asText()).isEqualTo("series vanished");
    assertThat(chart.at("/bands/0/label").asText()).isEqualTo("load");
    assertThat(chart.at("/series/0/points/0/1").asDouble()).isEqualTo(2);
    assertThat(chart.at("/series/0/step").asBoolean()).isTrue();
  }
}
