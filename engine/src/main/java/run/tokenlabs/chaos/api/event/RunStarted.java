package run.tokenlabs.chaos.api.event;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * The run began: configuration read, target opened, nothing injected yet. Always the first line.
 *
 * @param at when
 * @param runId the run
 * @param experiment always {@code null}: a run-level event
 * @param target the target's name, e.g. {@code lab (gb10)}
 * @param profile the Maven profile the run was started with ({@code chaos} arms it for a cluster)
 * @param dryRun whether faults are only described, never acted on
 * @param allowedNamespaces the only namespaces faults may act in
 * @param journal the journal file, absolute
 * @param pendingRollbacks the run's pending-rollback file, absolute
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record RunStarted(Instant at, String runId, String experiment, String target, String profile, boolean dryRun,
                         List<String> allowedNamespaces, String journal, String pendingRollbacks) implements ChaosEvent {
  public RunStarted {
    Events.requireRunHeader(at, runId, experiment, "RunStarted");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(profile, "profile");
    allowedNamespaces = List.copyOf(allowedNamespaces);
    Objects.requireNonNull(journal, "journal");
    Objects.requireNonNull(pendingRollbacks, "pendingRollbacks");
  }
}
