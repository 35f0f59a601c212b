package run.tokenlabs.chaos.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.jfree.chart.plot.XYPlot;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.tokenlabs.chaos.api.event.EvidenceRecorded;
import run.tokenlabs.chaos.engine.JournalFile;

/** Chart evidence read from the journal, drawn, and placed on the summary page. */
class ChartsTest {
  @TempDir
  Path dir;

  private RunRecord run() throws IOException {
    return RunRecord.of(JournalFile.read(ChartJournal.write(dir)));
  }

  @Test
  @DisplayName("every chart of the journal is on the page as an inline PNG of the painter's size, with its title")
  void chartsOnThePage() throws IOException {
    RunRecord run = run();
    String html = SummaryHtml.render(new SummaryPage(run, new SummaryPage.ReportPaths(dir.resolve("j"), dir, null, null)));

    Matcher img = Pattern.compile("<figure class=\"chart\" data-kind=\"(\\w+)\"><img alt=\"([^\"]*)\"[^>]*src=\"data:image/png;"
        + "base64,([A-Za-z0-9+/=]+)\">").matcher(html);
    int n = 0;
    while (img.find()) {
      BufferedImage png = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(img.group(3))));
      assertThat(png).as("chart %s decodes as PNG", img.group(2)).isNotNull();
      assertThat(png.getWidth()).isEqualTo(ChartPainter.WIDTH);
      assertThat(png.getHeight()).isEqualTo(ChartPainter.HEIGHT);
      assertThat(img.group(2)).endsWith(ChartJournal.CHARTS.get(n));
      n++;
    }
    assertThat(n).as("charts on the page").isEqualTo(ChartJournal.CHARTS.size());
    assertThat(html).as("self-contained: no script, no external asset").doesNotContain("<script").doesNotContain("http://")
        .doesNotContain("https://");
  }

  @Test
  @DisplayName("time charts get the fault, rollback and recovery times from the typed events; a timeline also "
      + "those after its data")
  void markersFromEvents() throws IOException {
    ExperimentRecord barePod = run().experiments().stream().filter(e -> e.id.equals("LLMD-3")).findFirst().orElseThrow();
    ChartSpec timeline = barePod.chartsWithMarkers().get(0);

    assertThat(timeline.markers()).extracting(ChartSpec.Marker::label).containsExactly("series vanished",
        "fault: force-delete pod token-labs/deepseek", "rollback: recreate bare pod deepseek",
        "recovered: steady state holds");
    ExperimentRecord kv = run().experiments().get(0);
    assertThat(kv.chartsWithMarkers().get(0).markers()).extracting(ChartSpec.Marker::label)
        .as("the fault acted before the KV chart's first point: not on it").isEmpty();
  }

  @Test
  @DisplayName("a CDF series is drawn as a staircase; a timeline has one row per alert")
  void painterShapes() {
    ChartSpec cdf = new ChartSpec("lines", "cdf", null, null, null, List.of(new ChartSpec.Series("s",
        List.of(new double[] {1, 0.5}, new double[] {2, 1}), true, false)), null, null, null);
    XYPlot plot = ChartPainter.chart(cdf).getXYPlot();
    assertThat(plot.getDataset().getItemCount(0)).as("two points and the step between them").isEqualTo(3);
    assertThat(plot.getDataset().getYValue(0, 1)).isEqualTo(0.5);

    ChartSpec timeline = new ChartSpec("timeline", "alerts", new ChartSpec.Axis("", true), null, null, null, null, null,
        List.of(new ChartSpec.Row("A", List.of(new ChartSpec.Segment("pending", 0, 5),
            new ChartSpec.Segment("firing", 5, 9)), 7.0), new ChartSpec.Row("B", List.of(), null)));
    XYPlot rows = ChartPainter.chart(timeline).getXYPlot();
    assertThat(rows.getDataset().getSeriesCount()).as("two segments and a bound").isEqualTo(3);
    assertThat(rows.getRangeAxis().getUpperBound()).isGreaterThan(1);

    ChartSpec bars = new ChartSpec("bars", "per hop", new ChartSpec.Axis("hop", false), null, null,
        List.of(new ChartSpec.Series("in backend", List.of(new double[] {0, 0}, new double[] {1, 100}), false, false)),
        null, null, null, List.of("gateway", "model"));
    XYPlot hops = ChartPainter.chart(bars).getXYPlot();
    assertThat(hops.getRenderer()).isInstanceOf(org.jfree.chart.renderer.xy.ClusteredXYBarRenderer.class);
    assertThat(((org.jfree.chart.axis.SymbolAxis) hops.getDomainAxis()).getSymbols()).containsExactly("gateway", "model");
    assertThat(hops.getDataset().getYValue(0, 1)).isEqualTo(100);
    assertThat(ChartPainter.png(bars)).as("drawn as a PNG").startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
  }

  @Test
  @DisplayName("evidence named as a chart must be a chart: otherwise the error says what is wrong and what to do")
  void badChartEvidence() {
    EvidenceRecorded notJson = new EvidenceRecorded(Instant.EPOCH, "r", "e", "chart: x", "{not json");
    assertThatThrownBy(() -> ChartSpec.of(notJson)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a chart's JSON").hasMessageContaining("docs/reports.md");
    EvidenceRecorded unknownKind = new EvidenceRecorded(Instant.EPOCH, "r", "e", "chart: x", "{\"kind\":\"pie\"}");
    assertThatThrownBy(() -> ChartSpec.of(unknownKind)).hasMessageContaining("pie").hasMessageContaining("timeline");
    assertThat(ChartSpec.of(new EvidenceRecorded(Instant.EPOCH, "r", "e", "PromQL", "{}"))).isEmpty();
  }

  @Test
  @DisplayName("the next run scope ends the page, most severe first, each action linked to its finding")
  void nextRunScope() throws IOException {
    SummaryPage page = new SummaryPage(run(), new SummaryPage.ReportPaths(dir.resolve("j"), dir, null, null));

    assertThat(page.actions).extracting(a -> a.severity().name()).containsExactly("HIGH", "MEDIUM", "LOW");
    String html = SummaryHtml.render(page);
    SummaryPage.ActionItem high = page.actions.get(0);
    assertThat(html).contains("href=\"#finding-0" + high.findingNumber() + "\"")
        .contains("id=\"finding-0" + high.findingNumber() + "\"");
    assertThat(page.findings.get(high.findingNumber() - 1).finding().title()).contains("has no controller");
    assertThat(html.indexOf("Next Run Scope")).isGreaterThan(html.indexOf("Raw Artifacts"));
    assertThat(SummaryMarkdown.render(page)).contains("1. **HIGH** Wrap every inference pod in a Deployment.");
  }

  @Test
  @DisplayName("a DEVIATED verdict reads as expected / seen / meaning, the assertion message kept as evidence")
  void deviatedInWords() throws IOException {
    SummaryPage page = new SummaryPage(run(), new SummaryPage.ReportPaths(dir.resolve("j"), dir, null, null));

    SummaryPage.Gap gap = page.gaps.stream().filter(g -> g.title().contains("DEVIATED")).findFirst().orElseThrow();
    assertThat(gap.reason()).startsWith("upper bound of the 95% bootstrap interval of that difference: n = 240: "
        + "expected less than 0.0, seen 0.0114.").contains("did not hold").doesNotContain("Expecting actual");
    assertThat(gap.evidence()).contains("Expecting actual:");
  }
}
