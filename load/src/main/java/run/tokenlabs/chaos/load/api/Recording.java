package run.tokenlabs.chaos.load.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * Where a load keeps its per-request records, so that its memory stays constant however long it runs.
 * Every record is written, as it concludes, to a JSON-lines file in {@code directory}, beside an
 * HdrHistogram interval log; the run itself keeps only counters and histograms, plus the first
 * {@code keptInMemory} records so that a short run's {@link LoadResult#records()} needs no file read.
 *
 * <p>With no directory given, a load inside an experiment writes to the run's journal directory and
 * any other load (a unit test, a benchmark) to a fresh temporary directory, deleted when the JVM exits.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record Recording(Optional<Path> directory, int keptInMemory) {

  /** How many records a run keeps in memory by default: a game-day load holds a few thousand. */
  public static final int DEFAULT_KEPT_IN_MEMORY = 20_000;

  public Recording {
    Objects.requireNonNull(directory, "directory");
    if (keptInMemory < 0) {
      throw new IllegalArgumentException("Recording keptInMemory must be >= 0, was " + keptInMemory
          + "; give 0 to keep no record in memory (records are then read back from the file)");
    }
  }

  /** The journal directory inside an experiment, else a temporary one; {@value #DEFAULT_KEPT_IN_MEMORY} records in memory. */
  public static Recording byDefault() {
    return new Recording(Optional.empty(), DEFAULT_KEPT_IN_MEMORY);
  }

  /** Records written under {@code directory} (created if missing). */
  public static Recording to(Path directory) {
    return new Recording(Optional.of(directory), DEFAULT_KEPT_IN_MEMORY);
  }

  /** The same place, keeping at most {@code records} in memory. */
  public Recording keepingInMemory(int records) {
    return new Recording(directory, records);
  }
}
