package run.tokenlabs.chaos.api.event;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.time.Instant;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * An experiment (one test method) began, before its capabilities and steady state are checked.
 *
 * @param at when
 * @param runId the run
 * @param experiment its name, {@code "<id> <TestClass>#<method>"}
 * @param id the {@code @ChaosExperiment} id, e.g. {@code LLMD-3}
 * @param title the {@code @ChaosExperiment} title
 * @param className the test class, fully qualified
 * @param method the test method's name
 * @param uniqueId JUnit's unique id of the test
 * @param recoveryTimeoutSeconds how long its steady state may take to hold again after rollback
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record ExperimentStarted(Instant at, String runId, String experiment, String id, String title,
                                String className, String method, String uniqueId, long recoveryTimeoutSeconds)
    implements ChaosEvent {
  public ExperimentStarted {
    Events.requireHeader(at, runId, experiment);
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(className, "className");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(uniqueId, "uniqueId");
  }
}
