package run.tokenlabs.chaos.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Objects;
import org.apiguardian.api.API;

/**
 * A named measured figure, e.g. "TTFT p95, bucket A = 44.8 s (n=104)".
 *
 * @param name what was measured
 * @param value the figure; NaN is allowed and shown as "NaN", never as 0
 * @param unit its unit ("s", "ms", "%", "requests")
 * @param note context: sample size, conditions, comparison
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record KeyNumber(String name, double value, String unit, String note) {
  public KeyNumber {
    Objects.requireNonNull(name, "name");
    unit = unit == null ? "" : unit;
    note = note == null ? "" : note;
  }
}
