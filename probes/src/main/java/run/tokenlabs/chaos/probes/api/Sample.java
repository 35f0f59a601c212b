package run.tokenlabs.chaos.probes.api;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One element of an instant vector: a series' labels and its value at one time.
 *
 * @param labels the series labels including {@code __name__} when Prometheus kept it; unmodifiable
 * @param time the evaluation time Prometheus reported
 * @param value the value; {@code NaN}, {@code +Inf} and {@code -Inf} as the doubles they name
 */
public record Sample(Map<String, String> labels, Instant time, double value) {
  public Sample {
    labels = Map.copyOf(labels);
    Objects.requireNonNull(time, "time");
  }
}
