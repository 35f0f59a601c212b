package run.tokenlabs.chaos.probes.exposition;

import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * One sample line of an exposition: {@code name{labels} value [timestamp]}.
 *
 * @param name the sample's metric name as written (e.g. {@code vllm:e2e_request_latency_seconds_bucket})
 * @param labels label names to unescaped values, in the order written; unmodifiable
 * @param value the value; {@code NaN}, {@code +Inf} and {@code -Inf} are kept as the doubles they name
 * @param timestampMillis the explicit timestamp in milliseconds since the epoch, if the line had one
 */
public record MetricSample(String name, Map<String, String> labels, double value, OptionalLong timestampMillis) {
  public MetricSample {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(labels, "labels");
    Objects.requireNonNull(timestampMillis, "timestampMillis");
  }

  /** The value of one label, or {@code null} when the sample does not carry it. */
  public String label(String labelName) {
    return labels.get(labelName);
  }

  /** {@code name{a="x",b="y"}} with values escaped as in the exposition format. */
  public String seriesId() {
    return SeriesIds.of(name, labels);
  }
}
