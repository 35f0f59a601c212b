package run.tokenlabs.chaos.engine;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The experiment in progress in this JVM, for code that has no {@code Chaos} handle at hand: a load
 * started by {@code LoadSpec.run()}, a probe that posts, maybe on a thread of its own (a probe
 * thread, a pool). Experiments of a launch run one after the other, so there is at most one.
 *
 * <p>Registered when the experiment starts and kept in its JUnit store, which closes it (and so
 * clears it here) when the test method's context ends, whatever the outcome.
 */
final class ActiveExperiment implements AutoCloseable {
  private static final AtomicReference<ExperimentRun> CURRENT = new AtomicReference<>();
  private final ExperimentRun experiment;

  private ActiveExperiment(ExperimentRun experiment) {
    this.experiment = experiment;
  }

  static ActiveExperiment enter(ExperimentRun experiment) {
    CURRENT.set(experiment);
    return new ActiveExperiment(experiment);
  }

  static Optional<ExperimentRun> current() {
    return Optional.ofNullable(CURRENT.get());
  }

  /** Clears it unless another experiment has started since (then that one is current). */
  @Override
  public void close() {
    CURRENT.compareAndSet(experiment, null);
  }
}
