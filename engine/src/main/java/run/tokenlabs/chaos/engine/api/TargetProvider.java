package run.tokenlabs.chaos.engine.api;

/**
 * Opens a {@link Target} of one kind ({@code lab} or {@code cluster}). Found through
 * {@link java.util.ServiceLoader}; the engine ships the {@code cluster} provider, the lab's
 * provider lives in {@code scenarios} so that the engine never depends on the lab.
 */
public interface TargetProvider {

  /** The {@code target} config value it serves. */
  String kind();

  /** Opens the target; the engine closes it at the end of the run. */
  Target open(ChaosConfig config) throws Exception;
}
