package run.tokenlabs.chaos.load.api;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Every gap between consecutive chunks of one stream, in microseconds, in arrival order. Kept as a
 * primitive array: a 10 000-request run of 500-token answers holds 5 million of them.
 */
public final class InterChunkGaps {
  private static final InterChunkGaps NONE = new InterChunkGaps(new int[0]);
  private final int[] micros;

  private InterChunkGaps(int[] micros) {
    this.micros = micros;
  }

  /** Takes the first {@code count} values of {@code micros} (copied). */
  public static InterChunkGaps of(int[] micros, int count) {
    return count == 0 ? NONE : new InterChunkGaps(Arrays.copyOf(micros, count));
  }

  public int count() {
    return micros.length;
  }

  public int micros(int index) {
    return micros[index];
  }

  public IntStream stream() {
    return Arrays.stream(micros);
  }

  /** Equal when the same gaps came in the same order: a record read back from a file equals the one written. */
  @Override
  public boolean equals(Object o) {
    return o instanceof InterChunkGaps other && Arrays.equals(micros, other.micros);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(micros);
  }

  @Override
  public String toString() {
    return "InterChunkGaps[" + micros.length + "]";
  }
}
