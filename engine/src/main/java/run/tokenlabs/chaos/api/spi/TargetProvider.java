package run.tokenlabs.chaos.api.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;
import run.tokenlabs.chaos.api.ChaosConfig;
import run.tokenlabs.chaos.api.Target;

/**
 * Opens a {@link Target} of one kind ({@code lab} or {@code cluster}). Found through
 * {@link java.util.ServiceLoader}; the engine ships the {@code cluster} provider, the lab's
 * provider lives in {@code scenarios} so that the engine never depends on the lab.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public interface TargetProvider {

  /** The {@code target} config value it serves. */
  String kind();

  /**
   * True only for targets that live inside this JVM and touch nothing outside it (the lab, test
   * worlds). Any other target needs {@code mvn -Pchaos} and an allowed kube context.
   */
  default boolean isEmbedded() {
    return false;
  }

  /** Opens the target; the engine closes it at the end of the run. */
  Target open(ChaosConfig config) throws Exception;
}
