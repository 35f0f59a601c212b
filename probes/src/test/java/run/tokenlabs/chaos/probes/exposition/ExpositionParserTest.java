package run.tokenlabs.chaos.probes.exposition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ExpositionParserTest {

  static String resource(String name) {
    try (InputStream in = ExpositionParserTest.class.getResourceAsStream("/exposition/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  @DisplayName("dcgm-exporter: HELP/TYPE grouped before the samples, blanks after commas, sentinel values")
  void dcgmExporterOutput() {
    Exposition exposition = ExpositionParser.parse(resource("dcgm-exporter-gb10.txt"));

    assertThat(exposition.families()).hasSize(12);
    MetricFamily sm = exposition.family("DCGM_FI_DEV_SM_CLOCK").orElseThrow();
    assertThat(sm.type()).isEqualTo("gauge");
    assertThat(sm.help()).isEqualTo("SM clock frequency (in MHz).");
    assertThat(sm.samples()).singleElement().satisfies(s -> {
      assertThat(s.value()).isEqualTo(2418.0);
      assertThat(s.label("UUID")).isEqualTo("GPU-5c9a0b1e-7f3d-4b2a-9e61-0d2c8f4a7b13");
      assertThat(s.label("Hostname")).isEqualTo("spark-01");
      assertThat(s.labels()).containsKeys("gpu", "pci_bus_id", "device", "modelName", "DCGM_FI_DRIVER_VERSION");
    });
    assertThat(exposition.samples("DCGM_FI_DEV_MEMORY_TEMP").get(0).value()).isEqualTo(9.223372036854775794E18);
    assertThat(exposition.samples("DCGM_FI_DEV_POWER_USAGE").get(0).value()).isEqualTo(31.337);
    assertThat(exposition.samples("DCGM_FI_DEV_XID_ERRORS").get(0).label("err_msg")).isEqualTo("No Error");
    assertThat(exposition.family("DCGM_FI_DEV_FB_USED")).isEmpty();
  }

  @Test
  @DisplayName("vLLM: colons in names, histogram buckets with le=\"+Inf\", counters, NaN histogram of SGLang")
  void vllmOutput() {
    Exposition exposition = ExpositionParser.parse(resource("vllm-v1.txt"));

    assertThat(exposition.samples("vllm:kv_cache_usage_perc").get(0).value()).isEqualTo(0.019801);
    assertThat(exposition.samples("vllm:kv_cache_usage_perc").get(0).label("model_name"))
        .isEqualTo("deepseek-ai/DeepSeek-R1-Distill-Qwen-7B");
    assertThat(exposition.samples("process_start_time_seconds").get(0).value()).isEqualTo(1.76433081294e9);

    MetricFamily ttft = exposition.family("vllm:time_to_first_token_seconds").orElseThrow();
    assertThat(ttft.type()).isEqualTo("histogram");
    assertThat(ttft.samples()).hasSize(25);

    List<Exposition.HistogramSeries> histogram = exposition.histogram("vllm:time_to_first_token_seconds");
    assertThat(histogram).singleElement().satisfies(h -> {
      assertThat(h.labels()).doesNotContainKey("le").containsEntry("engine", "0");
      assertThat(h.buckets()).hasSize(23);
      assertThat(h.buckets().lastKey()).isEqualTo(Double.POSITIVE_INFINITY);
      assertThat(h.count()).isEqualTo(100.0);
      assertThat(h.sum()).isEqualTo(1843.2051);
      // 60 observations <= 0.5 s: the median lies between 0.25 and 0.5, at 50/60 of that bucket
      assertThat(h.quantile(0.5)).isCloseTo(0.25 + 0.25 * 50 / 60, within(1e-9));
      // 92 <= 20 s and 100 <= 40 s: p95 = 20 + 20 * 3/8
      assertThat(h.quantile(0.95)).isCloseTo(27.5, within(1e-9));
    });

    assertThat(exposition.samples("vllm:request_success_total"))
        .extracting(s -> s.label("finished_reason")).containsExactly("stop", "length", "abort");
    assertThat(exposition.samples("sglang:e2e_request_latency_seconds_sum").get(0).value()).isNaN();
    assertThat(exposition.histogram("sglang:e2e_request_latency_seconds").get(0).quantile(0.95)).isNaN();
  }

  @Test
  @DisplayName("escaped label values and HELP text, trailing comma, +Inf/-Inf/NaN/Inf, ms timestamps, tabs")
  void quirks() {
    Exposition exposition = ExpositionParser.parse(resource("quirks.txt"));

    MetricFamily fs = exposition.family("node_filesystem_avail_bytes").orElseThrow();
    assertThat(fs.help()).isEqualTo("Filesystem space available to non-root users in bytes.\nSecond line with a backslash \\ in it.");
    assertThat(fs.samples().get(0).label("device")).isEqualTo("C:\\");
    assertThat(fs.samples().get(1).label("mountpoint")).isEqualTo("/run/user/\"quoted\"\nnext");
    assertThat(fs.samples().get(1).seriesId()).contains("mountpoint=\"/run/user/\\\"quoted\\\"\\nnext\"");

    MetricSample cpu = exposition.samples("container_cpu_usage_seconds_total").get(0);
    assertThat(cpu.value()).isEqualTo(12.5);
    assertThat(cpu.timestampMillis()).isEqualTo(OptionalLong.of(1700000000123L));

    assertThat(exposition.samples("temperature_celsius")).extracting(MetricSample::value)
        .containsExactly(Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN, Double.POSITIVE_INFINITY);
    assertThat(exposition.family("untyped_without_labels").orElseThrow().type()).isEqualTo("untyped");
    assertThat(exposition.samples("empty_labels").get(0).labels()).isEmpty();
    assertThat(exposition.samples("go_gc_duration_seconds").get(0).value()).isEqualTo(2.9e-05);
  }

  @Test
  @DisplayName("OpenMetrics: exemplars ignored, float-second timestamps, quoted names, nothing after # EOF")
  void openMetrics() {
    String text = resource("openmetrics.txt") + "after_eof 1\n";
    Exposition exposition = ExpositionParser.parse(text, true);

    assertThat(exposition.samples("http_request_duration_seconds_bucket")).extracting(MetricSample::value)
        .containsExactly(8.0, 9.0, 10.0);
    assertThat(exposition.family("http_request_duration_seconds").orElseThrow().samples()).hasSize(6);
    assertThat(exposition.samples("build_info").get(0).timestampMillis()).isEqualTo(OptionalLong.of(1700000001500L));
    assertThat(exposition.family("build").orElseThrow().type()).isEqualTo("info");
    assertThat(exposition.samples("ui.page.views")).singleElement()
        .satisfies(s -> assertThat(s.labels()).isEqualTo(Map.of("route", "/home")));
    assertThat(exposition.family("after_eof")).isEmpty();
  }

  @Test
  void openMetricsIsRecognisedByItsEof() {
    assertThat(ExpositionParser.looksLikeOpenMetrics(resource("openmetrics.txt"))).isTrue();
    assertThat(ExpositionParser.looksLikeOpenMetrics(resource("vllm-v1.txt"))).isFalse();
  }

  @Test
  void scanSkipsUnwantedNamesAndDeliversTheRest() {
    List<String> seen = new ArrayList<>();
    ExpositionParser.scan(resource("vllm-v1.txt"), name -> name.startsWith("vllm:num_requests"),
        (name, labels, value) -> seen.add(name + "=" + value));

    assertThat(seen).containsExactly("vllm:num_requests_running=12.0", "vllm:num_requests_waiting=0.0");
  }

  @Test
  void valuesFollowGoNotJava() {
    assertThat(ExpositionParser.parseValue("+Inf")).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(ExpositionParser.parseValue("-inf")).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(ExpositionParser.parseValue("NaN")).isNaN();
    assertThat(ExpositionParser.parseValue("1e3")).isEqualTo(1000.0);
    assertThatThrownBy(() -> ExpositionParser.parseValue("1.5d")).isInstanceOf(NumberFormatException.class);
    assertThatThrownBy(() -> ExpositionParser.parseValue("12f")).isInstanceOf(NumberFormatException.class);
    assertThatThrownBy(() -> ExpositionParser.parseValue("")).isInstanceOf(NumberFormatException.class);
  }

  @Test
  @DisplayName("a malformed line fails the parse with its line number, as it fails a scrape")
  void malformedLines() {
    assertThatThrownBy(() -> ExpositionParser.parse("ok 1\nbad{le=\"1\" 2\n"))
        .isInstanceOf(ExpositionParseException.class)
        .hasMessageContaining("line 2").hasMessageContaining("bad{le=\"1\" 2");
    assertThatThrownBy(() -> ExpositionParser.parse("x{a=unquoted} 1\n"))
        .hasMessageContaining("must be quoted");
    assertThatThrownBy(() -> ExpositionParser.parse("x 1 2 3\n")).hasMessageContaining("unexpected text");
    assertThatThrownBy(() -> ExpositionParser.parse("x abc\n")).hasMessageContaining("'abc' is not a number");
    assertThatThrownBy(() -> ExpositionParser.parse("x{a=\"1\",a=\"2\"} 1\n")).hasMessageContaining("twice");
    assertThatThrownBy(() -> ExpositionParser.parse("x\n")).hasMessageContaining("expected a blank and a value");
  }

  @Test
  void windowsLineEndingsAreAccepted() {
    Exposition exposition = ExpositionParser.parse("# TYPE a gauge\r\na{b=\"c\"} 1\r\n");
    assertThat(exposition.samples("a").get(0).value()).isEqualTo(1.0);
  }
}
