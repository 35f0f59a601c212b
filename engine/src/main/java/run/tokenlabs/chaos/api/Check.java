package run.tokenlabs.chaos.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Objects;
import org.apiguardian.api.API;

/**
 * One probe with its tolerance: "gateway error ratio {@code <= 0.001}".
 *
 * @param probe what to measure
 * @param tolerance what the measurement must satisfy
 * @param <T> the value type
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record Check<T>(Probe<T> probe, Tolerance<? super T> tolerance) {
  public Check {
    Objects.requireNonNull(probe, "probe");
    Objects.requireNonNull(tolerance, "tolerance");
  }

  /** E.g. {@code promql: up{job="vllm"} <= 0.001}. */
  public String describe() {
    return probe.name() + " " + tolerance.description();
  }
}
