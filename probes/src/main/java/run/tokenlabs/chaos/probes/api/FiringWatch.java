package run.tokenlabs.chaos.probes.api;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import run.tokenlabs.chaos.api.ProbeException;

/**
 * Several alerting rules watched at once, each until it fires or its {@link AlertFiringBound} has
 * passed since a common instant (the fault), while the experiment observes other things. Each rule
 * is polled on its own daemon thread from the start, so an alert that fires early is timed when it
 * fires, not when the experiment gets round to asking. Close it (try-with-resources) to stop the
 * watches that are still running.
 *
 * <pre>{@code
 * try (FiringWatch watch = prometheus.watchFiring(deletedAt, bounds)) {
 *   ... observe the outage ...
 *   for (AlertFiringBound bound : bounds) {
 *     AlertFiring fired = watch.await(bound.alert());
 *   }
 * }
 * }</pre>
 */
public final class FiringWatch implements AutoCloseable {
  /** How long {@link #await} waits past an alert's bound for its watch to report. */
  static final Duration REPORT_GRACE = Duration.ofSeconds(30);

  private final Instant since;
  private final Clock clock;
  private final ExecutorService threads;
  private final Map<String, Watched> watches = new LinkedHashMap<>();

  FiringWatch(PrometheusProbes prometheus, Clock clock, Instant since, List<AlertFiringBound> bounds) {
    this.since = since;
    this.clock = clock;
    this.threads = Executors.newFixedThreadPool(Math.max(1, bounds.size()), r -> {
      Thread t = new Thread(r, "alert-firing-watch");
      t.setDaemon(true);
      return t;
    });
    for (AlertFiringBound bound : bounds) {
      CompletableFuture<AlertFiring> firing = CompletableFuture.supplyAsync(
          () -> prometheus.alert(bound.alert()).awaitFiring(since, bound.total()), threads);
      watches.put(bound.alert(), new Watched(bound, firing));
    }
  }

  /**
   * When {@code alert} was seen pending and firing, waiting for its watch if it still runs.
   *
   * @throws AssertionError (DEVIATED) when it did not fire within its bound: the states seen and the
   *     bound's formula
   * @throws ProbeException when Prometheus could not be asked, or the watch did not report in time
   * @throws IllegalArgumentException when {@code alert} is not watched
   */
  public AlertFiring await(String alert) {
    Watched watched = watches.get(alert);
    if (watched == null) {
      throw new IllegalArgumentException("Alert '" + alert + "' is not watched; watched: " + watches.keySet());
    }
    Duration wait = watched.bound().total().plus(REPORT_GRACE).minus(Duration.between(since, clock.instant()));
    try {
      return watched.firing().get(Math.max(1, wait.toMillis()), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw failure(e.getCause(), watched.bound());
    } catch (TimeoutException e) {
      throw new ProbeException("The watch of alert '" + alert + "' did not report within its bound ("
          + watched.bound().formula() + ") plus " + Progression.human(REPORT_GRACE)
          + "; Prometheus is answering too slowly to time it", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProbeException("Interrupted while waiting for the watch of alert '" + alert + "'", e);
    }
  }

  /** Stops the watches still running. */
  @Override
  public void close() {
    threads.shutdownNow();
  }

  /** What the watch threw, as this thread throws it: a missed bound names the bound's formula. */
  private static RuntimeException failure(Throwable cause, AlertFiringBound bound) {
    if (cause instanceof AssertionError missed) {
      throw new AssertionError(missed.getMessage() + " (bound " + bound.formula() + ")", missed);
    }
    if (cause instanceof Error error) {
      throw error;
    }
    return cause instanceof RuntimeException runtime ? runtime
        : new ProbeException("The watch of alert '" + bound.alert() + "' failed: " + cause, cause);
  }

  private record Watched(AlertFiringBound bound, CompletableFuture<AlertFiring> firing) {
  }
}
