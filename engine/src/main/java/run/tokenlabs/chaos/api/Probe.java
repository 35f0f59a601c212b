package run.tokenlabs.chaos.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Objects;
import org.apiguardian.api.API;

/**
 * A measurement of the target: a PromQL value, a DCGM field, a vLLM metric, pod readiness, an HTTP
 * result.
 *
 * <p>{@link #read()} either returns a {@link Reading} (a value or explicit no data) or throws: any
 * exception means the probe could not be asked and makes the experiment {@link Verdict#ERROR}.
 *
 * @param <T> the value type
 */
@API(status = EXPERIMENTAL, since = "0.1")
public interface Probe<T> {

  /** A short name for messages and the journal, e.g. {@code promql: gateway:error_ratio:rate1m}. */
  String name();

  /** Measures now. Throws {@link ProbeException} (or anything else) when the target cannot be asked. */
  Reading<T> read() throws Exception;

  /**
   * Measures now, for experiment bodies that read a probe outside a hypothesis: the same reading as
   * {@link #read()}, with a checked exception turned into a {@link ProbeException} that names this
   * probe (still an {@link Verdict#ERROR}), so the body need not declare {@code throws Exception}.
   * Unchecked exceptions pass unchanged.
   */
  default Reading<T> readNow() {
    try {
      return read();
    } catch (RuntimeException e) {
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProbeException("Probe '" + name() + "' was interrupted while reading; the run is stopping", e);
    } catch (Exception e) {
      throw new ProbeException("Probe '" + name() + "' could not be read: " + e
          + "; check that the target answers this probe", e);
    }
  }

  /** Pairs this probe with a tolerance: the building block of hypotheses and guards. */
  default Check<T> is(Tolerance<? super T> tolerance) {
    return new Check<>(this, tolerance);
  }

  /** A probe from a name and a function; convenient for ad hoc measurements. */
  static <T> Probe<T> of(String name, ReadingSupplier<T> supplier) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(supplier, "supplier");
    return new Probe<>() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Reading<T> read() throws Exception {
        Reading<T> reading = supplier.read();
        if (reading == null) {
          throw new ProbeException("Probe '" + name + "' returned null; return Reading.noData(reason) when there is no data");
        }
        return reading;
      }

      @Override
      public String toString() {
        return name;
      }
    };
  }

  /** The function behind {@link #of(String, ReadingSupplier)}. */
  @FunctionalInterface
  @API(status = EXPERIMENTAL, since = "0.1")
  interface ReadingSupplier<T> {
    Reading<T> read() throws Exception;
  }
}
