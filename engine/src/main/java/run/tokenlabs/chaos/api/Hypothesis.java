package run.tokenlabs.chaos.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.List;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * A steady-state hypothesis: named checks that must hold before the fault and again after
 * recovery. Returned by the experiment's {@link SteadyState} method.
 *
 * @param name what the hypothesis claims, e.g. "gateway serves deepseek"
 * @param checks the probes and their tolerances; all must hold
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record Hypothesis(String name, List<Check<?>> checks) {
  public Hypothesis {
    Objects.requireNonNull(name, "name");
    checks = List.copyOf(checks);
    if (checks.isEmpty()) {
      throw new IllegalArgumentException("Hypothesis '" + name + "' has no checks; give it at least one probe.is(tolerance)");
    }
  }

  public static Hypothesis of(String name, Check<?>... checks) {
    return new Hypothesis(name, List.of(checks));
  }
}
