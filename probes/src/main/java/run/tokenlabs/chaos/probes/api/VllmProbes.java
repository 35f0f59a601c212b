package run.tokenlabs.chaos.probes.api;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import run.tokenlabs.chaos.api.Probe;
import run.tokenlabs.chaos.api.ProbeException;
import run.tokenlabs.chaos.api.Reading;
import run.tokenlabs.chaos.probes.exposition.ExpositionParseException;
import run.tokenlabs.chaos.probes.exposition.ExpositionParser;

/**
 * The model servers' own {@code /metrics}, read directly rather than through Prometheus: one-shot
 * probes and the high-frequency {@link MetricsSampler}.
 */
public final class VllmProbes {
  /** The vLLM gauges worth sampling at 10 Hz. */
  public static final String[] GAUGES = {"vllm:kv_cache_usage_perc", "vllm:num_requests_running",
      "vllm:num_requests_waiting"};

  private final Map<String, URI> models;
  private final Duration timeout;

  VllmProbes(Map<String, URI> models, Duration timeout) {
    this.models = Map.copyOf(models);
    this.timeout = timeout;
  }

  /** Direct probes over explicit model base URLs. */
  public static VllmProbes using(Map<String, URI> models, Duration timeout) {
    return new VllmProbes(models, timeout);
  }

  /** The model servers: name to base URL. */
  public Map<String, URI> models() {
    return models;
  }

  /** A sampler builder with every model's {@code /metrics} as a target and the vLLM gauges to record. */
  public MetricsSampler.Builder sampler() {
    MetricsSampler.Builder builder = MetricsSampler.builder().metrics(GAUGES);
    models.forEach((name, base) -> builder.target(name, metricsUrl(base)));
    return builder;
  }

  /**
   * One scrape of a model's {@code /metrics}: the sum of all series of {@code sampleName} (one per
   * engine). No data when the server does not expose it; ERROR when it does not answer.
   */
  public Probe<Double> metric(String model, String sampleName) {
    URI base = Objects.requireNonNull(models.get(model), () -> "No model server '" + model + "' in the target; known: "
        + models.keySet());
    URI url = metricsUrl(base);
    return Probe.of("vllm " + model + " " + sampleName, () -> {
      String text;
      try {
        text = Scrapes.fetch(Scrapes.oneShotClient(), url, timeout);
      } catch (IOException e) {
        throw new ProbeException("Model server '" + model + "' at " + url + " did not answer: " + e.getMessage(), e);
      }
      double[] sum = {0};
      int[] count = {0};
      try {
        ExpositionParser.scan(text, sampleName::equals, (name, labels, value) -> {
          sum[0] += value;
          count[0]++;
        });
      } catch (ExpositionParseException e) {
        throw new ProbeException("Model server '" + model + "' at " + url + " served an unparsable exposition: "
            + e.getMessage(), e);
      }
      return count[0] == 0 ? Reading.noData(url + " exposes no " + sampleName) : Reading.of(sum[0]);
    });
  }

  static URI metricsUrl(URI base) {
    String text = base.toString();
    return URI.create(text.endsWith("/") ? text + "metrics" : text + "/metrics");
  }
}
