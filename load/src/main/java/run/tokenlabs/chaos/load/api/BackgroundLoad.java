package run.tokenlabs.chaos.load.api;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.api.spi.Fault;
import run.tokenlabs.chaos.api.spi.Rollback;

/**
 * A bounded load that runs in the background while an experiment breaks something else, injected like
 * any fault so that its rollback (stop it) is registered before it starts and runs whatever happens to
 * the experiment. {@link #awaitResult(Duration)} waits for it to end by itself (its bounds).
 *
 * <p>The rollback ({@link Stop}) only matters when the experiment ends early: it interrupts the load,
 * whose in-flight requests are then cancelled and booked, never lost. A load whose JVM died needs
 * nothing: its requests died with it.
 */
public final class BackgroundLoad implements Fault<BackgroundLoad.Stop> {
  /** The most a stop may take: the load generator cancels its calls at once, this is slack for its threads. */
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);

  /** Loads started in this JVM that have not been awaited or stopped, by id. */
  private static final ConcurrentMap<String, BackgroundLoad> RUNNING = new ConcurrentHashMap<>();

  private final String name;
  private final LoadSpec spec;
  private final String id = UUID.randomUUID().toString();
  private final CompletableFuture<LoadResult> result = new CompletableFuture<>();
  private volatile Thread thread;

  private BackgroundLoad(String name, LoadSpec spec) {
    this.name = Objects.requireNonNull(name, "name");
    this.spec = Objects.requireNonNull(spec, "spec");
  }

  /** A background load named {@code name} running {@code spec}; it starts when injected. */
  public static BackgroundLoad of(String name, LoadSpec spec) {
    return new BackgroundLoad(name, spec);
  }

  /** The load with this id if it was started in this JVM and has not been awaited or stopped. */
  static Optional<BackgroundLoad> running(String loadId) {
    return loadId == null ? Optional.empty() : Optional.ofNullable(RUNNING.get(loadId));
  }

  @Override
  public String description() {
    return "background load '" + name + "': " + spec.loop() + " against " + spec.endpoint() + ", at most "
        + spec.bounds().maxRequests() + " requests in " + spec.bounds().duration().toMillis() / 1000.0 + " s";
  }

  @Override
  public Stop prepare(Target target) {
    return new Stop(id, name);
  }

  @Override
  public void act(Target target, Stop rollback) {
    Thread t = new Thread(() -> {
      try {
        result.complete(spec.run());
      } catch (Throwable e) {
        result.completeExceptionally(e);
      }
    }, "background-load-" + name);
    t.setDaemon(true);
    thread = t;
    RUNNING.put(id, this);
    t.start();
  }

  /**
   * Waits until the load has ended by itself and returns what it measured.
   *
   * @throws IllegalStateException when it was never injected, failed, or did not end within
   *     {@code atMost} (its bounds promise an end by {@code duration + requestTimeout}: give at least that)
   */
  public LoadResult awaitResult(Duration atMost) {
    if (thread == null) {
      throw new IllegalStateException("Background load '" + name + "' was never started; inject it with "
          + "chaos.inject(..) before awaiting its result");
    }
    try {
      LoadResult done = result.get(atMost.toMillis(), TimeUnit.MILLISECONDS);
      RUNNING.remove(id);
      return done;
    } catch (TimeoutException e) {
      throw new IllegalStateException("Background load '" + name + "' did not end within " + atMost.toMillis()
          + " ms; its bounds are " + spec.bounds() + ": give awaitResult at least duration + requestTimeout", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("Background load '" + name + "' failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while awaiting background load '" + name + "'", e);
    }
  }

  /**
   * Stops the load if it still runs (no new request; in-flight ones are cancelled and booked) and waits
   * up to {@code timeout} for it to conclude. Idempotent.
   */
  void stop(Duration timeout) throws InterruptedException {
    RUNNING.remove(id);
    Thread t = thread;
    if (t == null || result.isDone()) {
      return;
    }
    t.interrupt();
    t.join(Math.max(1, timeout.toMillis()));
  }

  /**
   * The undo of a background load: stop it if it still runs in this JVM. Idempotent: a load that
   * ended by itself, was already stopped, or died with the JVM of a crashed run leaves nothing to do.
   *
   * @param loadId the load's id in this JVM
   * @param name its name, for the description
   */
  public record Stop(String loadId, String name) implements Rollback {
    @Override
    public String description() {
      return "stop background load '" + name + "' if it still runs (requests in flight are cancelled and booked)";
    }

    @Override
    public void undo(Target target, Duration timeout) throws InterruptedException {
      Optional<BackgroundLoad> load = running(loadId);
      if (load.isPresent()) {
        load.get().stop(timeout.compareTo(STOP_TIMEOUT) < 0 ? timeout : STOP_TIMEOUT);
      }
    }
  }
}
