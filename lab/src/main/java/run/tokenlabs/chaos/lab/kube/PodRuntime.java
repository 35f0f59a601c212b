package run.tokenlabs.chaos.lab.kube;

import java.io.IOException;
import java.net.URI;
import run.tokenlabs.chaos.lab.api.ModelProfile;

/** Starts the process behind a model pod; the reconciler knows pods, this knows simulators. */
public interface PodRuntime {
  /** A running model server: the container of one pod. */
  interface Process extends AutoCloseable {
    URI uri();

    /** True once it answers {@code /health}. */
    boolean serving();

    /** Kills it: the listener closes and open streams are cut. */
    @Override
    void close();
  }

  Process start(String podName, ModelProfile model) throws IOException;

  /**
   * Starts the pod's container again after it died, at the address it had ({@code previous}), as the
   * kubelet restarts a container inside the same pod. Default: a fresh start.
   */
  default Process restart(String podName, ModelProfile model, URI previous) throws IOException {
    return start(podName, model);
  }
}
