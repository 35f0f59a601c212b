package run.tokenlabs.chaos.load.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * What the workers of a {@link ScaleOut} measured together, merged exactly: the ledger is the sum of
 * theirs, each histogram the HdrHistogram sum of theirs ({@link LatencyHistograms#sum}), so every
 * percentile is that of all their requests together, as if one client had sent them; no percentile is
 * ever averaged. Each worker's own account is in {@link #workers()}.
 *
 * @param startedAt the earliest worker start
 * @param wall from {@code startedAt} to the end of the last worker's last request
 * @param errors defects of the run itself (a worker's ledger gap, the merged one's); empty when trustworthy
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record ScaledLoadResult(LoadSpec spec, Ledger ledger, LatencyHistograms histograms, List<Worker> workers,
                               Optional<Goodput> goodput, Instant startedAt, Duration wall, List<String> errors) {

  public ScaledLoadResult {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(ledger, "ledger");
    Objects.requireNonNull(histograms, "histograms");
    workers = List.copyOf(workers);
    Objects.requireNonNull(goodput, "goodput");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(wall, "wall");
    errors = List.copyOf(errors);
  }

  /**
   * One worker's own account, as it published it.
   *
   * @param index its Job completion index
   * @param pod the pod it ran in
   */
  @API(status = EXPERIMENTAL, since = "0.1")
  public record Worker(int index, String pod, Ledger ledger, Instant startedAt, Duration wall, List<String> errors) {
    public Worker {
      errors = List.copyOf(errors);
    }
  }

  /** Corrected for coordinated omission as {@link LoadResult#coordinatedOmission()}: closed loops only. */
  public Optional<CoordinatedOmission> coordinatedOmission() {
    return spec.loop() instanceof Loop.Closed ? Optional.of(CoordinatedOmission.of(histograms)) : Optional.empty();
  }

  @Override
  public String toString() {
    return "ScaledLoadResult[" + workers.size() + " workers, " + ledger + ", wall " + wall.toMillis() + " ms"
        + (errors.isEmpty() ? "" : ", errors " + errors) + "]";
  }
}
