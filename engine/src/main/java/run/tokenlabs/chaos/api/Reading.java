package run.tokenlabs.chaos.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Objects;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * What one probe measurement returned: a value, or an explicit "no data".
 *
 * <p>"No data" is its own answer and is never turned into 0: a vanished Prometheus series, an
 * empty vector or a missing DCGM field all read as {@link #noData(String)}, with the reason kept
 * for messages. A probe that could not be asked at all (connection refused, timeout, rejected
 * query) does not return a reading: it throws {@link ProbeException}, which the engine reports
 * as {@link Verdict#ERROR}.
 *
 * @param <T> the value type
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class Reading<T> {
  private final T value;
  private final String noDataReason;

  private Reading(T value, String noDataReason) {
    this.value = value;
    this.noDataReason = noDataReason;
  }

  /** A reading that carries a value. */
  public static <T> Reading<T> of(T value) {
    return new Reading<>(Objects.requireNonNull(value, "value; use Reading.noData(reason) for no data"), null);
  }

  /** A reading for which the target answered but had nothing, with why (e.g. "empty vector"). */
  public static <T> Reading<T> noData(String reason) {
    return new Reading<>(null, Objects.requireNonNull(reason, "reason"));
  }

  public boolean hasValue() {
    return value != null;
  }

  /** The value, or empty when the target had no data. */
  public Optional<T> value() {
    return Optional.ofNullable(value);
  }

  /** Why there is no data; empty when there is a value. */
  public Optional<String> noDataReason() {
    return Optional.ofNullable(noDataReason);
  }

  /** How the reading appears in messages and the journal: the value, or {@code no data (reason)}. */
  @Override
  public String toString() {
    return hasValue() ? String.valueOf(value) : "no data (" + noDataReason + ")";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Reading<?> r && Objects.equals(value, r.value) && Objects.equals(noDataReason, r.noDataReason);
  }

  @Override
  public int hashCode() {
    return Objects.hash(value, noDataReason);
  }
}
