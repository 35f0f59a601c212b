package run.tokenlabs.chaos.engine;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import run.tokenlabs.chaos.api.Probe;
import run.tokenlabs.chaos.api.ProbeException;
import run.tokenlabs.chaos.api.Reading;

/**
 * Reads probes with a time limit, so a hung target becomes an ERROR after {@code probeTimeout}
 * instead of a hung run. Reads run on daemon threads; a timed-out read is interrupted.
 */
final class ProbeReader implements AutoCloseable {
  private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
    Thread thread = new Thread(r, "chaos-probe");
    thread.setDaemon(true);
    return thread;
  });
  private final Duration timeout;

  ProbeReader(Duration timeout) {
    this.timeout = timeout;
  }

  /**
   * Reads the probe.
   *
   * @throws ProbeException when the probe throws, returns null or exceeds the timeout
   */
  <T> Reading<T> read(Probe<T> probe) {
    Future<Reading<T>> future = executor.submit(probe::read);
    try {
      Reading<T> reading = future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (reading == null) {
        throw new ProbeException("Probe '" + probe.name() + "' returned null instead of a Reading; "
            + "return Reading.noData(reason) when there is no data");
      }
      return reading;
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new ProbeException("Probe '" + probe.name() + "' did not answer within " + timeout.toSeconds()
          + " s (probeTimeout); check that the target is reachable, or raise probeTimeout");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof ProbeException pe) {
        throw pe;
      }
      throw new ProbeException("Probe '" + probe.name() + "' could not be read: " + cause, cause);
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new ProbeException("Interrupted while reading probe '" + probe.name() + "'", e);
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
