package run.tokenlabs.chaos.probes.api;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a PromQL query returned, typed by Prometheus' {@code resultType}. An empty vector or matrix
 * is "no data", never 0.
 */
public sealed interface QueryResult {

  /** Warnings Prometheus attached to a successful answer (e.g. from a remote read), or empty. */
  List<String> warnings();

  /** {@code resultType: vector}. */
  record Vector(List<Sample> samples, List<String> warnings) implements QueryResult {
    public Vector {
      samples = List.copyOf(samples);
      warnings = List.copyOf(warnings);
    }
  }

  /** {@code resultType: matrix}. */
  record Matrix(List<RangeSeries> series, List<String> warnings) implements QueryResult {
    public Matrix {
      series = List.copyOf(series);
      warnings = List.copyOf(warnings);
    }
  }

  /** {@code resultType: scalar}: always one value, even {@code NaN}. */
  record Scalar(Instant time, double value, List<String> warnings) implements QueryResult {
    public Scalar {
      Objects.requireNonNull(time, "time");
      warnings = List.copyOf(warnings);
    }
  }

  /** {@code resultType: string}. */
  record Text(Instant time, String value, List<String> warnings) implements QueryResult {
    public Text {
      Objects.requireNonNull(time, "time");
      Objects.requireNonNull(value, "value");
      warnings = List.copyOf(warnings);
    }
  }
}
